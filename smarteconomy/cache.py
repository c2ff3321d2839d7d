"""Caching shared by the apps.

``TolerantRedisCache``: a Redis cache that degrades to "no cache" when Redis is down: pages are computed instead of
served from the cache, slower but not broken. Django's own RedisCache raises, which would turn every cached page
into a 500.

``Generation``: a family of cached entries (a portal's pages, the scorecard's renderings, the users' permissions) that
one change empties at once, without knowing their keys: every entry carries the family's generation number and counts
only in that generation, and ``invalidate`` (a signal receiver, ``connect``) raises it once the transaction that
changed the data commits."""

import logging
import time

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class TolerantRedisCache(RedisCache):
    """Reads miss and writes are dropped while Redis does not answer; every failure is logged (a warning)."""

    def _tolerate(self, operation, default, *args, **kwargs):
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except (RedisError, OSError) as exc:
            logger.warning("cache unavailable (%s %s): %s", operation, type(exc).__name__, exc)
            return default

    def get(self, key, default=None, version=None):
        return self._tolerate("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._tolerate("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._tolerate("has_key", False, key, version)

    def set(self, key, value, timeout=None, version=None):  # noqa: DJ012
        return self._tolerate("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._tolerate("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._tolerate("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._tolerate("touch", False, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError (as in Django); None only when Redis does not answer.
        return self._tolerate("incr", None, key, delta, version)

    def delete(self, key, version=None):
        return self._tolerate("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._tolerate("delete_many", None, keys, version)

    def clear(self):
        return self._tolerate("clear", False)


class Generation:
    """The generation number of one family of cached entries (``name``, also the keys' prefix)."""

    def __init__(self, name):
        self.name = name
        self.generation_key = f"{name}:generation"

    def current(self):
        generation = cache.get(self.generation_key)
        if generation is None:
            # First use, or the number was evicted: start from the clock, never from a number that older entries,
            # still cached, might carry.
            cache.add(self.generation_key, time.time_ns(), None)
            generation = cache.get(self.generation_key)
        return generation or 0

    def get(self, *parts):
        """(value, generation): the family's entry named by ``parts`` if it was stored in the current generation (else
        None), and the current generation, under which a value computed now is stored (``set``). One round trip to
        the cache: each entry carries the generation it was stored in, read together with the family's number."""
        entry_key = self._entry_key(parts)
        found = cache.get_many([self.generation_key, entry_key])
        generation = found.get(self.generation_key)
        if generation is None:
            generation = self.current()
        entry = found.get(entry_key)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation:
            return entry[1], generation
        return None, generation

    def set(self, generation, value, timeout, *parts):
        """Store ``value`` as the entry ``parts`` of ``generation``: the one ``get`` returned before the value was
        computed, so that a value computed from data that changed meanwhile is never taken for the new generation's."""
        cache.set(self._entry_key(parts), (generation, value), timeout)

    def _entry_key(self, parts):
        return ":".join((self.name, "entry", *(str(part) for part in parts)))

    def bump(self):
        try:
            cache.incr(self.generation_key)
        except ValueError:  # not set yet (or evicted)
            self.current()

    def invalidate(self, *, at_once=False, **_signal):
        """Empty the family once the current transaction commits (a request served between the change and the
        commit would otherwise cache the old data under the new generation). A signal receiver. Once per atomic
        block: an indicator's recompute saving dozens of snapshots raises the number once, not dozens of times. Only
        a callback of the very same block counts (the same savepoints), so a rollback drops both together.
        ``at_once``: also now, for a family that the rest of the same transaction must not read stale (a user's
        permissions after a change of their groups)."""
        if at_once:
            self.bump()
        connection = transaction.get_connection()
        if connection.in_atomic_block:
            here = set(connection.savepoint_ids)
            if any(func == self.bump and ids == here for ids, func, _robust in connection.run_on_commit):
                return
        transaction.on_commit(self.bump)

    def connect(self, *senders, when=None):
        """Invalidate on every save and delete of the ``senders`` (models or "app.Model"), the admin's included;
        ``when(instance)``, if given, says which rows matter."""

        def receiver(instance=None, **signal):
            if when is None or when(instance):
                self.invalidate()

        for sender in senders:
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=sender, weak=False, dispatch_uid=f"{self.name}-{signal}-{sender}")
