"""The cache on the Celery broker's Redis, when no CACHE_URL is given.

Django's RedisCache empties the whole Redis database on `clear()`; sharing the
broker's database, that would drop the queues. This one deletes its own keys only.
"""

from django.core.cache.backends.redis import RedisCache


class SharedRedisCache(RedisCache):
    def clear(self) -> bool:
        client = self._cache.get_client(None, write=True)
        pattern = self.make_key("*")
        keys = list(client.scan_iter(match=pattern, count=500))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
        return True
