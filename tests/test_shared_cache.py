"""The cache on the broker's Redis (no CACHE_URL) clears only its own keys."""

import redis
from django.conf import settings
from django.core.cache import cache

from tests.conftest import require_services


def test_clearing_the_cache_keeps_the_brokers_keys():
    require_services(redis=True)
    assert settings.CACHES["default"]["BACKEND"] == "jmo_portal.cache.SharedRedisCache"
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.set("_kombu.binding.test-perf", "queue")
    try:
        cache.set("login-count", 3)
        assert cache.get("login-count") == 3
        cache.clear()
        assert cache.get("login-count") is None
        assert broker.get("_kombu.binding.test-perf") == b"queue"
    finally:
        broker.delete("_kombu.binding.test-perf")
