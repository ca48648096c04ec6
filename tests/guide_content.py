"""The guide content for transactional tests (browser tests, row-lock tests), which start from an
empty database: the loader parses and writes it the first time in a process, and later tests get the
same rows back in one bulk insert per table (a few hundred milliseconds less per test than parsing
and writing again; the loader itself is tested in tests/guides/)."""

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

_ROWS = None  # [(model, [row values by column]), …] in the order the loader wrote them


def _models():
    # guides' own models and the automatic tables of their many-to-many fields
    return list(apps.get_app_config("guides").get_models(include_auto_created=True))


def load_guides():
    """The guide content, as ``guides.loader.load()`` writes it, into the current (empty) database."""
    global _ROWS
    from guides.cache import invalidate
    from guides.loader import load

    if _ROWS is None:
        load()
        _ROWS = [(model, list(model.objects.order_by("pk").values())) for model in _models()]
        return
    if _ROWS[0][0].objects.exists():
        return  # not flushed yet (the first transactional test of the process): the content is there
    with transaction.atomic():  # foreign keys are checked at the commit: the order of the tables is free
        for model, rows in _ROWS:
            model.objects.bulk_create(model(**row) for row in rows)
    with connection.cursor() as cursor:  # PostgreSQL's sequences continue after the rows restored
        for statement in connection.ops.sequence_reset_sql(no_style(), [model for model, _rows in _ROWS]):
            cursor.execute(statement)
    invalidate()
