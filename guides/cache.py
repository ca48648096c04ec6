"""Guide content is the same for everybody and changes only when ``load_guides`` runs or an editor
changes it in the admin, so what the pages read of it is kept in Django's cache.

Every cached value is stored under the current *generation* of the content; any change to a guide
model (the loader's writes, an admin save or delete) moves the generation on, so nothing stale is
read again in this process. The default cache is local memory, one per process: another process
(another gunicorn worker or app server) sees a change when its entries expire, after ``TIMEOUT``
seconds, or at once with a shared cache (``CACHE_URL``; see the deployment guide). ``load_guides``
usually runs at a deployment, when the app servers restart anyway.
"""

import hashlib
import logging

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)
GENERATION_KEY = "guides:generation"
TIMEOUT = 5 * 60  # seconds


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def invalidate(**kwargs):
    """Move the generation on: every entry cached so far is ignored from now on."""
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not in the cache (expired or never set): a fresh start
            cache.set(GENERATION_KEY, 2, None)
    except Exception:  # the cache is down or its table not made yet: nothing in it to make stale
        logger.warning("guide cache: could not move the generation on", exc_info=True)


def cached(name, compute, *parts):
    """``compute()``, kept under ``name`` and ``parts`` for the current generation. The cache is
    only a shortcut: when it fails (a shared cache that is down), the page reads the database."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32] if parts else "-"
    try:
        key = f"guides:{generation()}:{name}:{digest}"
        value = cache.get(key)
    except Exception:
        logger.warning("guide cache: not available, reading the database", exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:
            logger.warning("guide cache: could not store %s", name, exc_info=True)
    return value


def connect(app_config):
    """Every model of the guides app moves the generation on when it changes."""
    for model in app_config.get_models():
        uid = f"guides-cache-{model._meta.label_lower}"
        post_save.connect(invalidate, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(invalidate, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")
