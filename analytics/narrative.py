"""Labels and the short narrative of the leading-sectors page, in the active language (Indonesian first)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from smarteconomy.templatetags.formatting import number

from . import economics as ec

CLASS_LABELS = {
    ec.BASIS: gettext_lazy("basis"),
    ec.NON_BASIS: gettext_lazy("non-basis"),
    ec.NEUTRAL: gettext_lazy("neutral (LQ = 1)"),
}
KLASSEN_LABELS = {
    ec.KLASSEN_I: gettext_lazy("developed and fast-growing"),
    ec.KLASSEN_II: gettext_lazy("developed but under pressure"),
    ec.KLASSEN_III: gettext_lazy("potential, growing fast"),
    ec.KLASSEN_IV: gettext_lazy("relatively lagging"),
}
# The shift-share method as a word inside a sentence ("classic shift-share"), not its code.
METHOD_NAMES = {
    "classic": gettext_lazy("classic"),
    "dynamic": gettext_lazy("dynamic"),
    "annual-average": gettext_lazy("annual average"),
    "esteban-marquillas": "Esteban-Marquillas",
}
DLQ_LABELS = {
    ec.DLQ_LEADING: gettext_lazy("leading: basis and staying basis"),
    ec.DLQ_DECLINING: gettext_lazy("basis, but losing its position"),
    ec.DLQ_PROSPECTIVE: gettext_lazy("prospective: non-basis, gaining"),
    ec.DLQ_LAGGING: gettext_lazy("lagging: non-basis and staying so"),
}


def _names(codes, sector_names, limit=5):
    shown = [f"{sector_names.get(code, code)} ({code})" for code in codes[:limit]]
    if len(codes) > limit:
        shown.append(_("and %(count)d more") % {"count": len(codes) - limit})
    return ", ".join(shown)


def narrative(result):
    """A few sentences that say what the tables show; every figure names its variant."""
    lines = []
    lq = result.lq
    basis = list(lq.index[lq["class"] == ec.BASIS])
    ranked = lq.sort_values("lq_mean", ascending=False)
    years = ", ".join(str(y) for y in result.years)
    lines.append(
        ngettext(
            "%(count)d of %(total)d sectors is a basis sector of %(region)s (mean LQ > 1 against %(reference)s, "
            "years %(years)s): %(names)s.",
            "%(count)d of %(total)d sectors are basis sectors of %(region)s (mean LQ > 1 against %(reference)s, "
            "years %(years)s): %(names)s.",
            len(basis),
        )
        % {
            "count": len(basis),
            "total": len(lq),
            "region": result.region.name,
            "reference": result.reference.name,
            "years": years,
            "names": _names(basis, result.sector_names),
        }
    )
    top = ranked.index[0]
    lines.append(
        _("The highest mean LQ is %(name)s (%(value)s): its share of the economy is %(value)s times the reference's.")
        % {"name": result.sector_names.get(top, top), "value": number(ranked.iloc[0]["lq_mean"], 2)}
    )
    if result.shift_share is not None:
        total = result.shift_share.loc[ec.TOTAL]
        lines.append(
            _(
                "GRDP changed by %(delta)s million rupiah (%(method)s shift-share, %(start)d–%(end)d): regional share "
                "%(pr)s, proportional shift %(ps)s, differential shift %(ds)s."
            )
            % {
                "delta": number(total["delta"], 0),
                "method": METHOD_NAMES.get(result.shift_share_method, result.shift_share_method),
                "start": result.start,
                "end": result.end,
                "pr": number(total["regional_share"], 0),
                "ps": number(total["proportional_shift"], 0),
                "ds": number(total["differential_shift"], 0),
            }
        )
        competitive = [
            c for c in result.shift_share.index if c != ec.TOTAL and result.shift_share.loc[c, "differential_shift"] > 0
        ]
        lines.append(
            ngettext(
                "%(count)d sector grew faster here than in the reference (DS > 0): %(names)s.",
                "%(count)d sectors grew faster here than in the reference (DS > 0): %(names)s.",
                len(competitive),
            )
            % {"count": len(competitive), "names": _names(competitive, result.sector_names)}
        )
    if result.klassen is None:
        return lines  # one year: no growth to compare
    quadrant_one = list(result.klassen.index[result.klassen["quadrant"] == ec.KLASSEN_I])
    lines.append(
        ngettext(
            "Klassen typology: %(count)d sector is “%(label)s”: %(names)s.",
            "Klassen typology: %(count)d sectors are “%(label)s”: %(names)s.",
            len(quadrant_one),
        )
        % {
            "count": len(quadrant_one),
            "label": KLASSEN_LABELS[ec.KLASSEN_I],
            "names": _names(quadrant_one, result.sector_names) or "–",
        }
    )
    return lines
