"""The notification rules. Each app declares its rules in its own ``notifications.py`` (``register(Rule(...))``),
discovered at start-up like the worklist items; this app imports nothing else from the apps.

A rule names the records to act on for one user, ``records(user)``. Most rules are a worklist item's own selector
(``worklist="licensing.overdue"``): a notification then names exactly the records the home page counts and the list
it links to shows. ``describe(record)`` turns a record into a ``Subject``: a stable key (the same record gives the
same key every day, so a user is told once a day at most), a title and a link."""

from dataclasses import dataclass, field

from smarteconomy.choices import Role
from smarteconomy.registries import Registry
from smarteconomy.roles import user_role
from smarteconomy.worklist import get_item

from .choices import Delivery


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Subject:
    """What one notification is about: ``key`` identifies the record (``app.model:pk``), ``link`` is a path."""

    key: str
    title: str
    link: str


def describe_instance(record, fallback_link=""):
    """A model instance as a Subject: its label and pk as key, its ``str`` as title, its own page as link."""
    meta = record._meta
    link = record.get_absolute_url() if hasattr(record, "get_absolute_url") else fallback_link
    return Subject(f"{meta.label_lower}:{record.pk}", str(record), link)


@dataclass(frozen=True)
class Rule:
    """One kind of notification.

    ``worklist``: the codes of the worklist items whose records the rule reports (their roles, permission and
    selector are the rule's); or ``records(user)`` with ``roles`` for a rule of its own. ``describe(record, rule)``
    gives the Subject (default: a model instance's own page, else the worklist's list)."""

    code: str
    label: object  # a lazy translation
    worklist: tuple = ()
    roles: tuple = ()
    records: object = None
    describe: object = None
    permission: str = ""
    default: str = Delivery.IMMEDIATE
    order: int = 100
    link: object = field(default=None)  # callable() -> path of the list, when there is no worklist item

    def __post_init__(self):
        if bool(self.worklist) == (self.records is not None):
            raise RuleError(f"{self.code}: give worklist or records, not both or neither.")
        unknown = set(self.roles) - set(Role.values)
        if unknown:
            raise RuleError(f"{self.code}: unknown roles {sorted(unknown)}")

    @property
    def items(self):
        return [get_item(code) for code in self.worklist]

    @property
    def all_roles(self):
        roles = set(self.roles)
        for item in self.items:
            roles |= set(item.roles)
        return roles

    def is_for(self, user):
        if self.worklist:
            return any(item.is_for(user) for item in self.items)
        if user_role(user) not in self.roles:
            return False
        return not self.permission or user.has_perm(self.permission)

    def list_link(self):
        if self.worklist:
            return self.items[0].url()
        return self.link() if self.link else ""

    def subjects(self, user):
        """The Subjects of the records ``user`` should be told about under this rule (no duplicates)."""
        if not self.is_for(user):
            return []
        found = {}
        sources = [item.records for item in self.items if item.is_for(user)] if self.worklist else [self.records]
        for records in sources:
            for record in records(user):
                subject = self.describe(record, self) if self.describe else describe_instance(record, self.list_link())
                found.setdefault(subject.key, subject)
        return list(found.values())


# Each app's notifications.py declares its rules.
RULES = Registry("notifications", noun="Notification rule", error=RuleError, order=lambda rule: (rule.order, rule.code))
register = RULES.register
autodiscover = RULES.autodiscover
all_rules = RULES.all
get_rule = RULES.find  # None for a rule no longer declared (a notification kept from an older version)
