"""The generation of a family of cached entries (smarteconomy.cache.Generation): one change empties the family once
its transaction commits, and a lost generation number never brings older entries back."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.test import TestCase

from smarteconomy.cache import Generation
from smarteconomy.models import TaskRun


def test_a_bump_empties_every_entry_of_the_family_and_only_after_the_commit(db):
    family = Generation("test-family")
    assert family.get("id", "/page/") == (None, family.current())
    family.set(family.current(), "page", 60, "id", "/page/")
    family.set(family.current(), "other", 60, "id", "/other/")
    assert family.get("id", "/page/") == ("page", family.current())
    assert Generation("other-family").get("id", "/page/")[0] is None
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        family.invalidate()
        assert family.get("id", "/page/")[0] == "page"  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert family.get("id", "/page/") == (None, family.current())
    assert family.get("id", "/other/")[0] is None


def test_a_value_computed_before_a_bump_is_never_taken_for_the_new_generations(db):
    """A request reads the generation, computes from the data, and stores; if the data changed (and the generation
    was raised) in between, what it stores belongs to the old generation and is never served."""
    family = Generation("test-race")
    _missing, generation = family.get("page")
    family.bump()  # a change committed while the page was being computed
    family.set(generation, "computed from the old data", 60, "page")
    assert family.get("page") == (None, generation + 1)
    family.set(generation + 1, "new", 60, "page")
    assert family.get("page")[0] == "new"


def test_an_evicted_generation_never_reuses_an_older_number(db):
    family = Generation("test-evicted")
    old = family.current()
    family.bump()
    bumped = family.current()
    assert bumped == old + 1
    cache.delete(family.generation_key)  # evicted
    assert family.current() not in (0, old, bumped)
    cache.delete(family.generation_key)
    family.bump()  # a bump of a missing number starts a new one as well
    assert family.current() not in (0, old, bumped)


def test_connect_invalidates_on_save_and_delete_of_the_rows_that_matter(db):
    family = Generation("test-connect")
    family.connect(TaskRun, when=lambda run: run.task == "wanted")
    try:
        _saves_and_deletes(family)
    finally:
        for signal in (post_save, post_delete):
            assert signal.disconnect(sender=TaskRun, dispatch_uid=f"test-connect-{signal}-{TaskRun}")


def _saves_and_deletes(family):
    first = family.current()
    with TestCase.captureOnCommitCallbacks(execute=True):
        run = TaskRun.objects.create(task="other", status="succeeded", started_at="2026-01-01T00:00Z")
    assert family.current() == first
    with TestCase.captureOnCommitCallbacks(execute=True):
        TaskRun.objects.create(task="wanted", status="succeeded", started_at="2026-01-01T00:00Z")
    assert family.current() == first + 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        run.task = "wanted"
        run.save()
        run.delete()
    assert family.current() == first + 2  # two changes in one transaction: emptied once


def test_many_changes_in_one_block_empty_the_family_once_and_a_rolled_back_block_not_at_all(db):
    family = Generation("test-once")
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        for _ in range(30):  # e.g. one indicator's snapshots saved in its recompute's transaction
            family.invalidate()
        try:
            with transaction.atomic():
                family.invalidate()  # a block of its own: registered, then gone with its rollback
                raise RuntimeError
        except RuntimeError:
            pass
        with transaction.atomic():
            family.invalidate()
            family.invalidate()
    assert callbacks == [family.bump, family.bump]
