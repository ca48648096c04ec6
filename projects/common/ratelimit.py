"""A limit per client address and hour for the public forms (the accessibility feedback, the document
check): a counter in the cache, keyed by the form's name and the address (accounts.adapters.client_ip)."""

from django.core.cache import cache

from accounts.adapters import client_ip


def within_limit(request, name, per_hour):
    """Counts one use of ``name`` from the client's address; False past ``per_hour`` in the hour."""
    key = f"{name}:{client_ip(request)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= per_hour
