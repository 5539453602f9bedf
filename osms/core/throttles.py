"""A throttle that costs one cache operation per request, whatever the rate.

DRF's ``SimpleRateThrottle`` keeps the list of every request time of the window under one
cache key and reads and writes the whole list on each request: at a partner's 6 000/min
that is up to 6 000 floats unpickled and pickled per call, the slowest step of the status
API. ``FixedWindowMixin`` counts the requests of the current window instead (``incr`` on
a key named after the window; Redis makes it atomic across workers). A caller may send up
to twice the rate across a window boundary, which a partner limit tolerates. Every
throttle of the project (``osms.core.drf``) is counted this way.
"""

import time

from django.core.cache.backends.redis import RedisCache


def _count(cache, key, timeout):
    """Add one to the counter ``key`` (created for ``timeout`` seconds); its new value."""
    if isinstance(cache, RedisCache):  # one round trip: INCR creates the key at 1
        redis_key = cache.make_and_validate_key(key)
        client = cache._cache.get_client(redis_key, write=True)
        count = client.incr(redis_key)
        if count == 1:
            client.expire(redis_key, timeout)
        return count
    try:
        return cache.incr(key)
    except ValueError:  # the first request of the window
        cache.add(key, 0, timeout)
        return cache.incr(key)


class FixedWindowMixin:
    """Mix before a ``SimpleRateThrottle`` subclass (it provides rate, cache and key)."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        count = _count(self.cache, f"{self.key}:{window}", self.duration + 1)
        self.wait_seconds = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self):
        return getattr(self, "wait_seconds", None)
