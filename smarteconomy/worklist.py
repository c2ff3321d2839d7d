"""The worklist on each role's home page: what needs doing today, each item a count that links to its list.

Each app declares its items in its own ``worklist.py`` (``register(WorkItem(...))``), discovered at start-up like the
data sources and the indicators; the core imports nothing else from the apps. An item says for which roles it is,
``records(user)``: the queryset of exactly the records to act on (the user's office's only, through ``visible_to``),
and the list page that shows them (a URL name and the filter query string). The list's FilterSet narrows its rows with
the same selector that ``records`` calls, so the count on the home page is the length of the list it links to.

An item about a state rather than records (the last upload, the last backup's age) gives ``fact(user)`` instead: a
``Fact`` with its text and whether it needs attention."""

import contextvars
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from .choices import Role
from .registries import Registry
from .roles import user_role


class WorklistError(ValueError):
    pass


@dataclass(frozen=True)
class Fact:
    """What a fact item shows: a text, and whether it calls for action (shown as a warning)."""

    text: str
    attention: bool = False


@dataclass(frozen=True)
class WorkItem:
    """One line of a role's worklist.

    ``records(user)`` returns the queryset whose ``.count()`` is shown (or a list, for records that are not rows of
    a table: the periods of the reporting calendar, the indicators of the scorecard); ``url_name`` with ``query`` (a dict, or a
    callable() returning one, for a query that depends on today) is the list that shows exactly those records.
    ``fact(user)`` replaces ``records`` for an item that is a state, not a set of records."""

    code: str
    label: object  # a lazy translation
    roles: tuple  # smarteconomy.choices.Role values
    group: object  # the heading it is shown under (a lazy translation)
    records: object = None  # callable(user) -> QuerySet or list
    fact: object = None  # callable(user) -> Fact
    url_name: str = ""
    query: object = field(default_factory=dict)
    url_kwargs: dict = field(default_factory=dict)
    permission: str = ""  # the user needs it too (e.g. the list's view permission)
    order: int = 100

    def __post_init__(self):
        if (self.records is None) == (self.fact is None):
            raise WorklistError(f"{self.code}: give records or fact, not both or neither.")
        unknown = set(self.roles) - set(Role.values)
        if unknown:
            raise WorklistError(f"{self.code}: unknown roles {sorted(unknown)}")

    def is_for(self, user):
        if user_role(user) not in self.roles:
            return False
        return not self.permission or user.has_perm(self.permission)

    def url(self):
        if not self.url_name:
            return ""
        query = self.query() if callable(self.query) else self.query
        base = reverse(self.url_name, kwargs=self.url_kwargs)
        return f"{base}?{urlencode(query)}" if query else base


@dataclass
class Entry:
    """An item as one user sees it today: its count (or fact) and its link."""

    item: WorkItem
    url: str
    count: int | None = None
    fact: Fact | None = None

    @property
    def code(self):
        return self.item.code

    @property
    def label(self):
        return self.item.label

    @property
    def attention(self):
        return self.fact.attention if self.fact is not None else bool(self.count)


# Each app's worklist.py declares its items.
ITEMS = Registry("worklist", noun="Worklist item", error=WorklistError, order=lambda item: (item.order, item.code))
register = ITEMS.register
all_items = ITEMS.all
get_item = ITEMS.get


_SHARED = contextvars.ContextVar("worklist_shared_reads", default=None)


def shared_read(key, compute):
    """``compute()``, made once per worklist_for when several items need the same read (Bappeda's two reporting
    items both read the whole calendar); outside worklist_for, made every time (nothing is kept between pages)."""
    memo = _SHARED.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def worklist_for(user):
    """[(group, [Entry])] of the items for ``user``'s role, in their declared order; empty for a user without one."""
    token = _SHARED.set({})
    try:
        return _worklist_for(user)
    finally:
        _SHARED.reset(token)


def _worklist_for(user):
    groups = {}
    for item in all_items():
        if not item.is_for(user):
            continue
        if item.records is not None:
            records = item.records(user)
            count = len(records) if isinstance(records, list | tuple) else records.count()
            entry = Entry(item, item.url(), count=count)
        else:
            entry = Entry(item, item.url(), fact=item.fact(user))
        groups.setdefault(str(item.group), []).append(entry)
    return list(groups.items())
