"""The product's six start-up registries share one shape (smarteconomy.registries.Registry)."""

from dataclasses import dataclass

import pytest

from analytics.registry import INDICATORS
from notifications.rules import RULES
from opendata.registry import DATASETS
from smarteconomy.importing.base import IMPORTERS, UnknownImporter, get_importer
from smarteconomy.registries import Registry
from smarteconomy.sources import SOURCES
from smarteconomy.worklist import ITEMS


@dataclass(frozen=True)
class Entry:
    code: str
    order: int = 0


class Refused(ValueError):
    pass


def test_a_code_declared_twice_is_refused_and_the_first_declaration_stays():
    registry = Registry("nothing", noun="Thing", error=Refused)
    first = registry.register(Entry("a"))
    with pytest.raises(Refused, match="Thing a is declared twice"):
        registry.register(Entry("a", order=1))
    assert registry.get("a") is first and registry.all() == [first]


def test_the_order_is_the_declaration_unless_a_key_is_given_and_an_unknown_code_is_an_error():
    plain = Registry("nothing", noun="Thing", error=Refused)
    ordered = Registry("nothing", noun="Thing", error=Refused, order=lambda entry: entry.order)
    for registry in (plain, ordered):
        registry.register(Entry("b", order=1))
        registry.register(Entry("a", order=0))
    assert [entry.code for entry in plain.all()] == ["b", "a"]
    assert [entry.code for entry in ordered.all()] == ["a", "b"]
    with pytest.raises(Refused, match="Unknown thing 'zz'"):
        plain.get("zz")
    assert plain.find("zz") is None


def test_a_check_refuses_before_anything_is_registered():
    def check(entry):
        if entry.code.startswith("x"):
            raise Refused("no x")

    registry = Registry("nothing", noun="Thing", error=Refused, check=check)
    with pytest.raises(Refused, match="no x"):
        registry.register(Entry("x1"))
    assert registry.all() == []


def test_an_importer_code_declared_twice_is_refused_rather_than_silently_replacing_the_first():
    code = sorted(IMPORTERS.entries)[0]
    original = get_importer(code)

    class Impostor:
        pass

    Impostor.code = code
    with pytest.raises(UnknownImporter, match="declared twice"):
        IMPORTERS.register(Impostor)
    assert get_importer(code) is original
    with pytest.raises(UnknownImporter):
        get_importer("no-such-importer")


def test_every_registry_found_the_apps_declarations():
    """Each app declares in its own module, and start-up discovered them all (none left empty by the refactor)."""
    assert {code.split(".")[0] for code in INDICATORS.entries} >= {"licensing", "msme", "cashless", "analytics"}
    assert len(SOURCES.entries) >= 10 and len(DATASETS.entries) >= 5
    assert len(RULES.entries) >= 5 and len(ITEMS.entries) >= 10 and len(IMPORTERS.entries) >= 5


def test_a_batch_of_an_importer_removed_since_is_shown_by_its_code(db):
    """The import history keeps batches of importers that no longer exist (renamed or removed): their pages show the
    stored code instead of failing (the registry's lookup error, not a KeyError, since the registries share one class)."""
    from smarteconomy.models import ImportBatch

    assert ImportBatch(importer="removed-since").get_importer_display() == "removed-since"
