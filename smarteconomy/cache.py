"""A Redis cache that degrades to "no cache" when Redis is down: pages are computed instead of served from the
cache, slower but not broken. Django's own RedisCache raises, which would turn every cached page into a 500."""

import logging

from django.core.cache.backends.redis import RedisCache
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
