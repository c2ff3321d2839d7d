"""The public pages of the open-data portal: no login (the project requires login per view, with
LoginRequiredMixin; these views simply have none), no officer menu, nothing but declared aggregates and
published editions.

Caching: every public response is cached whole in the Django cache for ``OPENDATA_CACHE_SECONDS`` (default 300 s)
under its language and full path (``public_cache``); the pages carry no CSRF token or session data, so one cached
copy serves every visitor. Publishing (or withdrawing) a scorecard edition empties the portal's cache at once (a
generation number in every entry, ``smarteconomy.cache.Generation``): the published figures appear the moment Bappeda publishes them;
the datasets' live aggregates may lag an import by at most the cache time. The language switch is a GET link (``language``) for that reason. Harvesting and
download responses are open to any origin (CORS ``Access-Control-Allow-Origin: *``)."""

import functools
import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from smarteconomy.cache import Generation

from . import public_analytics, publishing, registry

# Every cached key carries this family's generation, which a published or withdrawn edition raises (opendata.apps).
PUBLIC = Generation("opendata")


def cache_seconds():
    return settings.OPENDATA_CACHE_SECONDS


def public_cache(view):
    """Cache a public GET response (status 200 only) by language and full path, for a short time."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        key = (get_language(), request.get_full_path())
        cached, generation = PUBLIC.get(*key)
        if cached is not None:
            status, content, headers = cached
            response = HttpResponse(content, status=status)
            for name, value in headers.items():
                response[name] = value
            response["X-Cache"] = "HIT"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and cache_seconds() > 0:
            headers = {name: value for name, value in response.items() if name.lower() != "vary"}
            PUBLIC.set(generation, (response.status_code, response.content, headers), cache_seconds(), *key)
        response["X-Cache"] = "MISS"
        return response

    return require_safe(wrapped)


def cors(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


def _dataset_or_404(code):
    try:
        return registry.get_dataset(code)
    except registry.DatasetError:
        raise Http404(_("There is no such dataset.")) from None


def _topics(datasets):
    return sorted({str(d.topic) for d in datasets if d.topic})


def _producers(datasets):
    return sorted({(d.producer, publishing.producer_label(d)) for d in datasets}, key=lambda p: p[1])


# --------------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------------


@require_GET
def language(request):
    """The public pages' language switch: a link that sets the language cookie and returns to the page."""
    code = request.GET.get("lang", "")
    target = request.GET.get("next") or reverse("opendata:landing")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("opendata:landing")
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response


# --------------------------------------------------------------------------------------------------
# Landing, scorecard, indicators, leading sectors
# --------------------------------------------------------------------------------------------------


@public_cache
def landing(request):
    edition = public_analytics.latest_edition()
    datasets = registry.all_datasets()
    return render(
        request,
        "opendata/landing.html",
        {
            "title": _("Balikpapan Smart Economy open data"),
            "description": _(
                "The scorecard of the Smart Economy of Balikpapan, its indicators, the leading sectors and "
                "open datasets to download (CSV, XLSX, JSON)."
            ),
            "edition": edition,
            "datasets": datasets[:6],
            "dataset_count": len(datasets),
        },
    )


@public_cache
def scorecard(request):
    edition = public_analytics.latest_edition()
    return render(
        request,
        "opendata/scorecard.html",
        {
            "title": _("Smart Economy scorecard"),
            "description": _("The latest published edition of the Smart Economy scorecard of Balikpapan."),
            "edition": edition,
            "pillars": public_analytics.edition_pillars(edition) if edition else [],
        },
    )


@public_cache
def indicator_detail(request, code):
    indicator = public_analytics.indicator_or_none(code)
    if indicator is None:
        raise Http404(_("There is no such indicator."))
    return render(
        request,
        "opendata/indicator_detail.html",
        {
            "title": str(indicator.name),
            "description": _("Definition and published series of the indicator “%(name)s”.") % {"name": indicator.name},
            "indicator": indicator,
            "sheet": public_analytics.indicator_sheet(indicator),
            "series": public_analytics.published_series(code),
        },
    )


@public_cache
def leading_sectors(request):
    return render(
        request,
        "opendata/leading_sectors.html",
        {
            "title": _("Leading sectors"),
            "description": _(
                "Leading sectors of Balikpapan against East Kalimantan: location quotient, shift-share and "
                "the Klassen typology, from BPS GRDP."
            ),
            "summary": public_analytics.leading_sectors_summary(),
            "region": public_analytics.REGION,
            "reference": public_analytics.REFERENCE,
        },
    )


# --------------------------------------------------------------------------------------------------
# Datasets
# --------------------------------------------------------------------------------------------------


@public_cache
def dataset_list(request):
    every = registry.all_datasets()
    q = request.GET.get("q", "").strip()[:200]
    topic = request.GET.get("topic", "")
    producer = request.GET.get("producer", "")
    found = publishing.search(every, q=q, topic=topic, producer=producer)
    return render(
        request,
        "opendata/dataset_list.html",
        {
            "title": _("Datasets"),
            "description": _("Open datasets of the Smart Economy of Balikpapan, with Satu Data Indonesia metadata."),
            "datasets": found,
            "total": len(every),
            "q": q,
            "topic": topic,
            "producer": producer,
            "topics": _topics(every),
            "producers": _producers(every),
        },
    )


@public_cache
def dataset_detail(request, code):
    dataset = _dataset_or_404(code)
    rows = publishing.published_rows(dataset)
    return render(
        request,
        "opendata/dataset_detail.html",
        {
            "title": str(dataset.title),
            "description": str(dataset.description)[:300],
            "dataset": dataset,
            "metadata": publishing.metadata(dataset),
            "columns": dataset.columns,
            "preview": [list(row.values()) for row in rows[: publishing.PREVIEW_ROWS]],
            "row_count": len(rows),
            "downloads": [
                (fmt, name, reverse("opendata:download", args=[dataset.code, fmt]))
                for fmt, (_media, name) in publishing.FORMATS.items()
            ],
            "suppressed_below": registry.SUPPRESS_BELOW,
            "has_suppression": any(column.suppress for column in dataset.columns),
        },
    )


@cors
@public_cache
def download(request, code, fmt):
    dataset = _dataset_or_404(code)
    if fmt not in publishing.FORMATS:
        raise Http404(_("There is no such format."))
    media_type = publishing.FORMATS[fmt][0]
    if fmt == "csv":
        content, content_type = publishing.csv_bytes(dataset), f"{media_type}; charset=utf-8"
    elif fmt == "xlsx":
        content, content_type = publishing.xlsx_bytes(dataset), media_type
    else:
        content, content_type = publishing.json_bytes(dataset, request), f"{media_type}; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{dataset.code}.{fmt}"'
    return response


@cors
@public_cache
def catalog(request):
    content = publishing.dcat_catalog(request, registry.all_datasets())
    return HttpResponse(
        json.dumps(content, ensure_ascii=False, indent=1), content_type="application/ld+json; charset=utf-8"
    )


# --------------------------------------------------------------------------------------------------
# CKAN Action API (the subset harvesters use)
# --------------------------------------------------------------------------------------------------

CKAN_HELP = {
    "package_list": "Return a list of the names of the site's datasets (packages).",
    "package_show": "Return the metadata of a dataset (package) and its resources. Parameter: id (name).",
    "package_search": "Search for packages. Parameters: q, rows (default 10, at most 1000), start (default 0).",
}


def _ckan(request, action, result=None, *, status=200, error=None):
    help_url = request.build_absolute_uri(reverse("opendata:ckan_" + action))
    body = {"help": help_url + " " + CKAN_HELP[action], "success": error is None}
    if error is None:
        body["result"] = result
    else:
        body["error"] = error
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@cors
@public_cache
def ckan_package_list(request):
    return _ckan(request, "package_list", [dataset.code for dataset in registry.all_datasets()])


@cors
@public_cache
def ckan_package_show(request):
    code = request.GET.get("id", "")
    if not code:
        return _ckan(request, "package_show", status=409, error={"__type": "Validation Error", "id": ["Missing value"]})
    try:
        dataset = registry.get_dataset(code)
    except registry.DatasetError:
        return _ckan(request, "package_show", status=404, error={"__type": "Not Found Error", "message": "Not found"})
    return _ckan(request, "package_show", publishing.ckan_package(request, dataset))


def _int_param(request, name, default, maximum):
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) > maximum:
        raise ValueError(name)
    return int(raw)


@cors
@public_cache
def ckan_package_search(request):
    try:
        rows = _int_param(request, "rows", 10, 1000)
        start = _int_param(request, "start", 0, 10**6)
    except ValueError as exc:
        return _ckan(
            request,
            "package_search",
            status=409,
            error={"__type": "Validation Error", str(exc): ["Invalid integer"]},
        )
    q = request.GET.get("q", "")
    q = "" if q.strip() in ("*:*", "*") else q
    found = publishing.search(registry.all_datasets(), q=q)
    result = {
        "count": len(found),
        "sort": "name asc",
        "results": [publishing.ckan_package(request, dataset) for dataset in found[start : start + rows]],
        "facets": {},
        "search_facets": {},
    }
    return _ckan(request, "package_search", result)


def switch_links(request):
    """The language switch's links for the public base template: (code, name, url, current)."""
    current = get_language()
    path = request.get_full_path()
    return [
        (code, name, reverse("opendata:language") + "?" + urlencode({"lang": code, "next": path}), code == current)
        for code, name in settings.LANGUAGES
    ]
