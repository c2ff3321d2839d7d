"""Reads of the reporting pages (smarteconomy.reporting_views) and of ``manage.py period_approval status``: which
sources and parts a user sees, the state of every cell of the calendar in words and an icon, the office x period grid
of a year with DHIS2's reporting rate summary per row and in total, and one source's periods for its drill-down."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ReportingStatus, Role, SourceFrequency
from .models import ReportingPeriod
from .periods import Period
from .reporting import APPROVERS, SUBMITTABLE, may_submit
from .roles import user_role
from .sources import all_sources, calendar_cells, get_source, summary
from .worklist import shared_read

S = ReportingStatus


# Who sees what --------------------------------------------------------------------------------------------------


def sees_everything(user):
    return user_role(user) in APPROVERS


def visible_sources(user):
    """Bappeda and the administrators see every source; an office its own sources."""
    if sees_everything(user):
        return all_sources()
    role = user_role(user)
    return [source for source in all_sources() if source.office == role]


def visible_parts(user, source):
    """The parts of ``source`` the user sees: all of them, or a parking operator's own locations."""
    parts = source.all_parts()
    if sees_everything(user) or source.parts_of_user is None:
        return parts
    own = source.parts_of_user(user)
    return [part for part in parts if part.key in own]


def source_for(user, code):
    """The source ``code`` if the user sees it, else None (an unknown source and another office's are alike)."""
    return next((source for source in visible_sources(user) if source.code == code), None)


# A cell in words -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellState:
    key: str
    icon: str  # a sign that reads without colour (beside the text, never alone)
    label: str
    style: str  # a Bootstrap text-bg colour


def cell_state(cell, today=None):
    """What a cell of the calendar says: approved (locked), submitted on time or late, returned, reopened, not
    reported, received but not submitted, due, in progress or not expected."""
    today = today or timezone.localdate()
    if cell.expected_units == 0:
        return CellState("not_expected", "–", _("Not expected"), "light")
    if cell.status == S.APPROVED:
        return CellState("approved", "✔", _("Approved, locked"), "success")
    if cell.status == S.SUBMITTED:
        if cell.on_time:
            return CellState("on_time", "✓", _("Submitted on time"), "primary")
        return CellState("submitted_late", "◷", _("Submitted late"), "info")
    if not cell.period.has_ended():
        return CellState("in_progress", "…", _("In progress"), "light")
    if cell.status == S.RETURNED:
        return CellState("returned", "↩", _("Returned"), "warning")
    if cell.status == S.REOPENED:
        return CellState("reopened", "↻", _("Reopened"), "warning")
    if today > cell.due:
        if cell.has_data:
            return CellState("overdue", "!", _("Data received, not submitted"), "warning")
        return CellState("not_reported", "✗", _("Not reported"), "danger")
    return CellState("due", "○", _("Due %(date)s") % {"date": cell.due.strftime("%d/%m")}, "light")


# The grid ------------------------------------------------------------------------------------------------------


def year_choices(sources=None):
    """The years the grid offers: from the earliest source's start to this year, newest first."""
    sources = list(sources if sources is not None else all_sources())
    this_year = timezone.localdate().year
    first = min((source.start.year for source in sources), default=this_year)
    return list(range(this_year, min(first, this_year) - 1, -1))


def year_columns(year):
    """The grid's columns for a year: its twelve months, then the year itself (for yearly sources)."""
    return [Period(year, month) for month in range(1, 13)] + [Period(year)]


@dataclass
class GridRow:
    source: object
    part: object
    office_label: str
    cells: list  # one per column: (Cell, CellState) or None (the source has no such period)
    summary: dict

    @property
    def frequency_label(self):
        return SourceFrequency(self.source.frequency).label

    @property
    def label(self):
        return f"{self.source.name} · {self.part.label}" if self.part.key else str(self.source.name)


def grid(user, year):
    """The office x period grid of ``year`` for ``user``: rows grouped by office ([(office label, [GridRow])]),
    the columns (Periods) and the summary of all the rows."""
    columns = year_columns(year)
    keys = [str(column) for column in columns]
    sources = visible_sources(user)
    cells = calendar_cells(sources, periods=set(keys))
    by_row = {}
    for cell in cells:
        by_row.setdefault((cell.source.code, cell.part.key), []).append(cell)
    groups, everything = {}, []
    today = timezone.localdate()
    for source in sources:
        for part in visible_parts(user, source):
            row_cells = by_row.get((source.code, part.key), [])
            everything.extend(row_cells)
            at = {str(cell.period): cell for cell in row_cells}
            # A yearly source fills the last column (the year), a monthly or daily one the twelve months.
            wanted = [None] * 12 + [keys[-1]] if source.yearly else [*keys[:12], None]
            slots = [at.get(key) if key else None for key in wanted]
            office = Role(source.office).label
            groups.setdefault(source.office, (office, []))[1].append(
                GridRow(
                    source=source,
                    part=part,
                    office_label=office,
                    cells=[(cell, cell_state(cell, today)) if cell else None for cell in slots],
                    summary=summary(row_cells),
                )
            )
    order = [role for role in Role.values if role in groups]
    return [groups[role] for role in order], columns, summary(everything)


def grid_rows_for_export(user, year):
    """The grid as rows of a CSV or XLSX file: a header, then one row per source (and part), then the totals."""
    groups, columns, total = grid(user, year)
    header = [_("Office"), _("Data source"), _("Code"), _("Part")]
    header += [str(column) for column in columns]
    header += [_("Expected"), _("Submitted"), _("On time"), _("Approved"), _("Completeness %"), _("Timeliness %")]
    yield header

    def figures(numbers):
        return [
            numbers["expected"],
            numbers["submitted"],
            numbers["on_time"],
            numbers["approved"],
            _percent(numbers["completeness"]),
            _percent(numbers["timeliness"]),
        ]

    for _office, rows in groups:
        for row in rows:
            yield [
                row.office_label,
                str(row.source.name),
                row.source.code,
                row.part.label,
                *[state.label if state else "" for _cell, state in (slot or (None, None) for slot in row.cells)],
                *figures(row.summary),
            ]
    yield [_("Total"), "", "", "", *[""] * len(columns), *figures(total)]


def _percent(value):
    return "" if value is None else round(value, 1)


# The drill-down --------------------------------------------------------------------------------------------------


@dataclass
class PeriodRow:
    cell: object
    state: CellState
    records_url: str | None
    can_submit: bool
    can_decide: bool  # approve or return (a submitted period)
    can_reopen: bool
    history: list


def source_periods_for(user, source, part):
    """Every period of one part of a source, newest first, with its state, what the user may do and its history."""
    cells = [cell for cell in calendar_cells([source]) if cell.part.key == part.key]
    cells.reverse()
    history = {}
    rows = (
        ReportingPeriod.history.filter(source=source.code, part=part.key)
        .select_related("history_user")
        .order_by("history_date")
    )
    for entry in rows:
        history.setdefault(entry.period, []).append(entry)
    submitter = may_submit(user, source, part.key)
    approver = sees_everything(user) and user.has_perm("smarteconomy.approve_reportingperiod")
    today = timezone.localdate()
    result = []
    for cell in cells:
        expected_ended = cell.expected_units > 0 and cell.period.has_ended()
        result.append(
            PeriodRow(
                cell=cell,
                state=cell_state(cell, today),
                records_url=source.records_url(cell.period, part.key) if source.records_url else None,
                can_submit=submitter and expected_ended and cell.status in SUBMITTABLE,
                can_decide=approver and cell.status == S.SUBMITTED,
                can_reopen=approver and cell.status == S.APPROVED,
                history=history.get(str(cell.period), []),
            )
        )
    return result


def cells_to_submit(user):
    """The ended, expected periods the user's office may submit and has not (open, returned or reopened): the home
    page's notice counts them, the notifications' "period due or late" rule names them."""
    if sees_everything(user):
        return []
    sources = visible_sources(user)
    return [
        cell
        for cell in calendar_cells(sources)
        if cell.expected and cell.status in SUBMITTABLE and may_submit(user, cell.source, cell.part.key)
    ]


def to_submit_count(user):
    """How many ended, expected periods the user's office may submit and has not (open, returned or reopened)."""
    return len(cells_to_submit(user))


# The worklist: the periods that wait for someone ------------------------------------------------------------------

# The states of a cell that call for action, by the name the overview's ``show`` parameter gives them: submitted and
# waiting for Bappeda's approval; past the due day and not submitted (with or without data).
ATTENTION_STATES = {"waiting": ("on_time", "submitted_late"), "late": ("overdue", "not_reported")}


def cells_needing(user, which, today=None):
    """[(cell, CellState)] of the periods of the sources and parts ``user`` sees whose state is one of
    ATTENTION_STATES[which], oldest first: the list the reporting overview shows for ``?show=<which>`` and the count
    of the worklist's item."""
    keys = ATTENTION_STATES[which]
    states = shared_read(("reporting.cell_states", user.pk, today), lambda: _cell_states(user, today))
    return [(cell, state) for cell, state in states if state.key in keys]


def _cell_states(user, today):
    """[(cell, CellState)] of every period of the sources and parts ``user`` sees, oldest first: one read of the
    calendar, shared by the worklist's items (smarteconomy.worklist.shared_read)."""
    sources = visible_sources(user)
    seen = {source.code: {part.key for part in visible_parts(user, source)} for source in sources}
    found = [
        (cell, cell_state(cell, today)) for cell in calendar_cells(sources) if cell.part.key in seen[cell.source.code]
    ]
    found.sort(key=lambda item: (str(item[0].period), item[0].source.code, item[0].part.key))
    return found


# period_approval status -----------------------------------------------------------------------------------------


def status_rows(source_code=None, period=None):
    """Every period of every source (or of one source, or one period of it) as plain dicts, for scripts."""
    sources = [get_source(source_code)] if source_code else all_sources()
    periods = None
    if period is not None:
        periods = {str(sources[0].parse_period(period))} if source_code else {str(Period.parse(period))}
    today = timezone.localdate()
    rows = []
    for cell in calendar_cells(sources, periods=periods):
        rows.append(
            {
                "source": cell.source.code,
                "part": cell.part.key,
                "period": str(cell.period),
                "status": cell.status,
                "state": cell_state(cell, today).key,
                "expected": cell.expected,
                "due": cell.due.isoformat(),
                "received_units": cell.received_units,
                "expected_units": cell.expected_units,
                "submitted_by": cell.submitted_by.username if cell.submitted_by else None,
                "submitted_at": cell.submitted_at.isoformat() if cell.submitted_at else None,
                "decided_by": cell.decided_by.username if cell.decided_by else None,
                "decided_at": cell.decided_at.isoformat() if cell.decided_at else None,
                "reason": cell.reason,
            }
        )
    return rows
