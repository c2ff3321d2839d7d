"""The permission matrix: every URL of the product × every role (and anonymous) → the expected outcome.

Each app lists its URLs in ``<app>/tests/permission_matrix.py`` as ``MATRIX = [Case(...), ...]``.
smarteconomy/tests/test_permission_matrix.py collects all of them, checks each case for every role,
and fails when a URL of the product is in no app's matrix.

Expected outcomes: ``OK`` (200), ``REDIRECT`` (a 302 that is not to the login page), ``LOGIN``
(302 to the login page), ``FORBIDDEN`` (403), ``NOT_FOUND`` (404: another office's record),
``NOT_ALLOWED`` (405: wrong method).
"""

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver

OK = "ok"
REDIRECT = "redirect"
LOGIN = "login"
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405

ROLES = ("anonymous", "admin", "bappeda", "dpmptsp", "dkumkmp", "operator_airport", "operator_mall")
OFFICE_ROLES = ("dpmptsp", "dkumkmp", "operator_airport", "operator_mall")

# Django's admin site has its own permission checks for each of its URLs; the matrix checks its entry
# page (admin:index) and the admin's own tests cover the rest.
EXEMPT_NAMESPACES = ("admin",)


@dataclass
class Case:
    """One URL. ``expect`` maps a role (or "*" for the others) to an outcome; ``kwargs`` is a dict or a
    callable taking the dict of role users and returning the URL's kwargs (it may create records)."""

    url_name: str
    expect: dict
    kwargs: object = None
    method: str = "get"
    # A dict, or a callable returning one (called after ``kwargs``: for data that names a record by its id).
    data: object = field(default_factory=dict)
    label: str = ""
    json: bool = False  # send ``data`` as a JSON body (an API endpoint) rather than as a form

    def request(self, client, url):
        data = self.data() if callable(self.data) else self.data
        if self.json:
            return getattr(client, self.method)(url, data, content_type="application/json")
        return getattr(client, self.method)(url, data)

    def expected_for(self, role):
        return self.expect.get(role, self.expect.get("*"))

    @property
    def id(self):
        return self.label or self.url_name


def everyone(outcome, anonymous=LOGIN, **overrides):
    """Shorthand: every role gets ``outcome``; anonymous users get ``anonymous``; ``overrides`` per role."""
    return {"*": outcome, "anonymous": anonymous, **overrides}


def url_names(resolver=None, namespace="", prefix=""):
    """Every URL of the product as "namespace:name". A URL without a name (which no case could name) appears as
    "<unnamed: route>", so that the matrix test reports it as missing rather than skipping it."""
    names = set()
    for route, name in url_routes(resolver, namespace, prefix):
        names.add(name or f"<unnamed: {route}>")
    return names


def url_routes(resolver=None, namespace="", prefix=""):
    """(route, "namespace:name" or None) of every URL of the product, the API's (DRF routers, schema) included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXEMPT_NAMESPACES:
                continue
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from url_routes(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                yield route, f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                yield route, None


def collect_from_apps(module, attribute):
    """Every app's ``<app>/tests/<module>.py`` ``attribute`` list, concatenated in app order."""
    cases = []
    for config in apps.get_app_configs():
        if (Path(config.path) / "tests" / f"{module}.py").is_file():
            cases.extend(getattr(import_module(f"{config.name}.tests.{module}"), attribute))
    return cases


def collect_matrix():
    """Every app's MATRIX, in app order."""
    return collect_from_apps("permission_matrix", "MATRIX")


def outcome_of(response):
    if response.status_code == 200:
        return OK
    if response.status_code in (301, 302):
        login = resolve_url(settings.LOGIN_URL)
        return LOGIN if response["Location"].split("?")[0] == login else REDIRECT
    return response.status_code
