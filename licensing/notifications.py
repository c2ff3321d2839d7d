"""DPMPTSP's notification rules (notifications.rules): the worklist's applications whose service level runs out
within 2 working days, and those past it."""

from django.utils.translation import gettext_lazy as _

from notifications.rules import Rule, register

register(Rule(code="licensing.due_soon", label=_("Service level due soon"), worklist=("licensing.due_soon",), order=10))
register(Rule(code="licensing.overdue", label=_("Service level overdue"), worklist=("licensing.overdue",), order=11))
