"""Versioned text, edited by several people with optimistic versioning: checklist answers, agreement
sections, meeting minutes, principle formulations. A feature's save is atomic: ``lock`` the row, its
own checks, ``save``, its event if SAVED. Shown with ``templates/projects/common/versioned.html``."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

SAVED, UNCHANGED, CONFLICT = "saved", "unchanged", "conflict"


class Versioned:
    """The names of a versioned text's fields (a meeting's minutes name them otherwise)."""

    text_field, version_field, by_field = "text", "version", "updated_by"  # by_field None: not kept


class VersionedText(Versioned, models.Model):
    """Version, who and when; the feature adds ``text`` (its label and length differ)."""

    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class AbstractRevision(models.Model):
    """One saved version. The concrete model adds its foreign key, ``related_name="revisions"`` (which
    tells ``save`` to keep them), and the other versioned fields (an answer's status)."""

    version = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    restored_from = models.PositiveIntegerField(null=True, blank=True, help_text="The version this one restored.")

    class Meta:
        abstract = True
        ordering = ["-version"]


@dataclass
class SaveResult:
    """What a save did (SAVED, UNCHANGED or CONFLICT), with the row as stored now (after a conflict:
    someone else's text)."""

    outcome: str
    obj: models.Model
    mine: str = ""  # the text the person sent (a conflict hands it back)
    base_version: int = 0  # the version it was based on
    withdrawn: list = field(default_factory=list)  # who had confirmed or approved the old text
    confirmations: list | None = None  # after the save, when it knows them (None: read them)

    saved = property(lambda self: self.outcome == SAVED)
    conflict = property(lambda self: self.outcome == CONFLICT)
    text = property(lambda self: getattr(self.obj, self.obj.text_field))
    version = property(lambda self: getattr(self.obj, self.obj.version_field))
    changed_by = property(lambda self: self.obj.by_field and getattr(self.obj, self.obj.by_field))
    changed_at = property(lambda self: self.obj.updated_at)


def with_state(response, result, error=None):
    """``response`` with the X-Answer-State header static/js/app.js reads: is the field's text stored?"""
    response["X-Answer-State"] = "invalid" if error else result.outcome
    return response


def lock(queryset, *, create=False, **lookup):
    """The one row of ``queryset`` that ``lookup`` finds, locked until the transaction ends; created
    with ``lookup`` when there is none and ``create`` (else None)."""
    rows = queryset.select_for_update().filter(**lookup)
    obj = rows.first()
    if obj is None and create:
        try:
            with transaction.atomic():
                obj = queryset.create(**lookup)
        except IntegrityError:  # created meanwhile by someone else: lock theirs
            obj = rows.get()
    return obj


def save(obj, *, user, text, base_version, fields=None, resent=None, write=None, restored_from=None):
    """Save ``text`` on ``obj`` (locked by ``lock``) if it is still at ``base_version``: the same
    content is UNCHANGED; based on an older version, a CONFLICT, unless ``resent`` says the person
    sent what they were shown then (None: what is stored). Else one UPDATE (the row is locked) and a
    revision. ``fields``: other versioned fields (an answer's status). ``write(rows, change)``
    writes instead of the UPDATE, may add to ``change``, returns more of the result (``withdrawn``)."""
    content = {obj.text_field: text, **(fields or {})}
    same = all(getattr(obj, name) == value for name, value in content.items())
    version = getattr(obj, obj.version_field)
    if version != base_version and not (same if resent is None else resent):
        return SaveResult(CONFLICT, obj, mine=text, base_version=base_version)
    if version != base_version or same:
        return SaveResult(UNCHANGED, obj, mine=text, base_version=base_version)
    now = timezone.now()  # after the lock: saves are stamped in the order they commit
    change = {**content, obj.version_field: F(obj.version_field) + 1, "updated_at": now}
    if obj.by_field:
        change[obj.by_field] = user
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    found = (write or _update)(rows, change) or {}
    for name, value in change.items():
        setattr(obj, name, value)
    setattr(obj, obj.version_field, version + 1)
    if hasattr(obj, "revisions"):
        revision = {name: change[name] for name in content}
        obj.revisions.create(version=version + 1, author=user, created_at=now, restored_from=restored_from, **revision)
    return SaveResult(SAVED, obj, mine=text, base_version=base_version, **found)


def _update(rows, change):
    rows.update(**change)


def restore(current, revision, save_with, **kwargs):
    """Save ``revision``'s text again on top of ``current`` (never a conflict), noting the version it
    restores: ``save_with`` is the feature's save (its rules, its event), given ``kwargs`` too."""
    return save_with(text=revision.text, base_version=current.version, restored_from=revision.version, **kwargs)
