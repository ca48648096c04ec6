"""The collaboration file's schema mechanism: each feature declares its part of the document in its
own ``schema.py`` (projects.transfer.schema puts them together), and what a new period carries over.

A :class:`Node` names a model, its key in the document and the model fields it holds, in the
document's order. The rest follows from the model's own fields: the JSON type and its limits (the
pydantic models that validate an import are built from the nodes, :func:`document_model`), how the
export writes a value and how the import makes it again. Relations are written by what they point
at: a person (AUTH_USER_MODEL) by e-mail address, a party or a meeting by its ``ref`` in the
document, guide content by its slug, the writing group by its members' addresses.

A node's :class:`Carry` says what a new period (projects.phases.start_new_period) takes over;
:func:`copy_row` and :func:`carry_over` copy it, relations to the old period's parties and
memberships following their copies.

Every other field of an exported model is in EXCLUDED with the reason it is left out, and every
model under a collaboration that is not exported is in EXCLUDED_MODELS: tests/transfer/test_transfer_schema.py
fails on a field or a model that is in neither. The import's errors are pydantic's error types, in
Swedish: ERRORS maps each type to its message.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator, validate_email
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, Field, PlainValidator, Strict, StringConstraints, create_model
from pydantic_core import PydanticCustomError

from projects.core.models import Membership, Party

FIRST_YEAR, LAST_YEAR = 1900, 2200  # dates outside are typing errors (and overflow near year 1 and 9999)

# The import's messages, "where: what" in Swedish, by pydantic's error type (and this module's own).
ERRORS = {
    "missing": _("saknas."),
    "model_type": _("måste vara ett objekt."),
    "dict_type": _("måste vara ett objekt."),
    "list_type": _("måste vara en lista."),
    "string_type": _("måste vara text."),
    "string_unicode": _("måste vara text."),
    "string_too_long": _("får vara högst %(n)d tecken (är %(len)d)."),
    "nul": _("innehåller ett otillåtet tecken (NUL)."),
    "blank": _("får inte vara tom."),
    "int_type": _("måste vara ett heltal."),
    "int_range": _("måste vara %(low)s–%(high)s."),
    "bool_type": _("måste vara true eller false."),
    "choice": _("okänt värde ”%(value)s”; tillåtna värden: %(values)s."),
    "date": _("måste vara ett datum som ÅÅÅÅ-MM-DD."),
    "datetime": _("måste vara en tidpunkt som ÅÅÅÅ-MM-DDTtt:mm:ss+01:00."),
    "year": _("måste ligga mellan år %(first)d och %(last)d."),
    "decimal": _("måste vara ett tal, till exempel ”12.5”."),
    "decimal_digits": _("får ha högst tolv siffror före och två efter decimaltecknet."),
    "email_type": _("måste vara en e-postadress eller null."),
    "email": _("”%(value)s” är ingen giltig e-postadress."),
    "url": _("måste vara en webbadress som börjar med https://."),
    "slug": _("måste vara en slug ur guiderna (text)."),
    "ref": _("måste vara ett ref-nummer (heltal)."),
    "after_start": _("måste vara efter startdatumet."),
    "after_baseline": _("måste vara efter nulägesdatumet."),
    "after_meeting_start": _("måste vara efter mötets början."),
    "content_hash": _("stämmer inte med innehållet (versionen har ändrats efter att den frystes)."),
    # Across the document (projects.transfer checks them after pydantic).
    "duplicate": _("finns redan som %(other)s."),
    "no_party": _("måste ha minst en part."),
    "party_ref": _("pekar på part %(ref)s, som inte finns i parties."),
    "meeting_ref": _("pekar på möte %(ref)s, som inte finns i meetings."),
    "unknown_slug": _("”%(slug)s” finns inte i guiderna."),
    "same_organisation": _("samma organisation som %(other)s."),
}


def message(error):
    """A pydantic error (a dict of ValidationError.errors()) as "what" in Swedish."""
    ctx = error.get("ctx") or {}
    if error["type"] == "string_too_long":
        ctx = {"n": ctx["max_length"], "len": len(error["input"])}
    template = ERRORS.get(error["type"])
    return str(template) % ctx if template else error["msg"]


def where(loc):
    """("parties", 0, "organisation") as "parties[0].organisation"."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")


# Types ---------------------------------------------------------------------------------------------


def fail(kind, **ctx):
    # pydantic renders a message with ctx: a lone surrogate (valid in JSON) would break it
    ctx = {k: v.encode(errors="replace").decode() if isinstance(v, str) else v for k, v in ctx.items()}
    raise PydanticCustomError(kind, kind, ctx)


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return isinstance(value, list) and any(_has_nul(item) for item in value)


def _no_nul(value):
    return fail("nul") if _has_nul(value) else value


def _checked(check):
    return Annotated[Any, PlainValidator(check)]


def Str(max_length, blank=True):  # noqa: N802 - a type
    assert max_length, "a text in the document needs a length limit (the model's, or the node's types)"
    parts = [str, Strict(), StringConstraints(max_length=max_length), AfterValidator(_no_nul)]
    return Annotated[tuple(parts if blank else [*parts, AfterValidator(lambda v: v if v.strip() else fail("blank"))])]


def Int(low=0, high=2_147_483_647):  # noqa: N802
    return Annotated[
        int, Strict(), AfterValidator(lambda v: v if low <= v <= high else fail("int_range", low=low, high=high))
    ]


def Choice(values):  # noqa: N802
    def check(value):
        if isinstance(value, str) and value in values:
            return value
        shown = value if isinstance(value, str | int | float) else type(value).__name__
        fail("choice", value=str(shown)[:50], values=", ".join(v or '""' for v in values))

    return _checked(check)


def _url(value):
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            fail("url")
    return value


def _when(parse, kind, max_length):
    def check(value):
        try:
            parsed = parse(value) if isinstance(value, str) and len(value) <= max_length else None
        except ValueError:
            parsed = None
        if parsed is None:
            fail(kind)
        if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
            fail("year", first=FIRST_YEAR, last=LAST_YEAR)
        return timezone.make_aware(parsed) if kind == "datetime" and timezone.is_naive(parsed) else parsed

    return _checked(check)


def _decimal(value):
    """At most 12 digits before the point and 2 after (the models' 14, 2)."""
    number = None
    if isinstance(value, str | int | float) and not isinstance(value, bool) and len(str(value)) <= 30:
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite():
        fail("decimal")
    if abs(number) >= Decimal(10) ** 12 or number != number.quantize(Decimal("0.01")):
        fail("decimal_digits")
    return number.quantize(Decimal("0.01"))


def _email(value):
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 254:
        fail("email_type")
    try:
        validate_email(value)
    except ValidationError:
        fail("email", value=value[:80])
    return value.lower()


def _after(earlier, kind):
    def check(value, info):
        first = info.data.get(earlier)
        return fail(kind) if value is not None and first is not None and value <= first else value

    return AfterValidator(check)


DATE = _when(parse_date, "date", 10)
DATETIME = _when(parse_datetime, "datetime", 40)
EMAIL = _checked(_email)
SLUG = _checked(lambda v: v if isinstance(v, str) and 0 < len(v) <= 100 else fail("slug"))
REF = _checked(lambda v: v if isinstance(v, int) and not isinstance(v, bool) else fail("ref"))


# Models whose rows others point at by their "ref" in the document, and the kind of such a relation (a
# feature adds its own: projects.meetings.schema).
REF_KINDS = {Party: "party"}


@cache
def kind(model_field):
    """How the document writes a model field: "user" (an e-mail address), "party" or "meeting" (a
    ref), "slug" (guide content), "slugs" and "members" (many), or "value" (as it is)."""
    target = model_field.related_model
    if model_field.many_to_many:
        return "members" if target is Membership else "slugs"
    if target is None or target._meta.label == settings.AUTH_USER_MODEL:
        return "user" if target else "value"
    return REF_KINDS.get(target) or ("slug" if target._meta.app_label == "guides" else "value")


def _type(f, typ=None):
    """The pydantic type of a model field (unless given), and what a missing key means (...: required)."""
    typ = typ or {"user": EMAIL, "party": REF, "meeting": REF, "slug": SLUG, "slugs": list[SLUG]}.get(kind(f))
    typ = typ or (list[EMAIL] if kind(f) == "members" else None)
    if typ is None:
        if isinstance(f, models.BooleanField):
            typ = Annotated[bool, Strict()]
        elif isinstance(f, models.DecimalField):
            typ = _checked(_decimal)
        elif isinstance(f, models.DateTimeField | models.DateField):
            typ = DATETIME if isinstance(f, models.DateTimeField) else DATE
        elif isinstance(f, models.JSONField):
            typ = Annotated[list[Any] if f.default is list else dict[str, Any], AfterValidator(_no_nul)]
        elif isinstance(f, models.IntegerField):
            limits = {type(v): v.limit_value for v in f._validators}  # the model's own (the database's differ)
            high = 32_767 if isinstance(f, models.PositiveSmallIntegerField) else 2_147_483_647
            typ = Int(limits.get(MinValueValidator, 0), limits.get(MaxValueValidator, high))
        elif f.choices:
            typ = Choice([""] * f.blank + [value for value, _label in f.choices])
        elif isinstance(f, models.URLField):
            typ = Annotated[Str(f.max_length), AfterValidator(_url)]
        else:
            typ = Str(f.max_length, blank=f.blank)
    if f.many_to_many or isinstance(f, models.JSONField):
        return typ, Field(default_factory=list if f.many_to_many or f.default is list else dict)
    if f.null or kind(f) == "user":
        return typ | None, None
    if f.has_default() and not callable(f.default):
        return typ, f.default
    if isinstance(f, models.BooleanField):
        return typ, False
    return typ, "" if f.blank and isinstance(f, models.CharField | models.TextField) else ...


# The nodes ----------------------------------------------------------------------------------------


class Carry:
    """What a new period takes over of a node: ``fields`` as they are (a relation to a party or a
    membership follows it to its copy; a row whose party is not carried is left), ``rows`` which
    rows (a Q, or a function of the rows and the old parent; all when None) and ``values``, fields
    set anew: USER (the person starting the period), a function of the new parent, or a value."""

    def __init__(self, fields, rows=None, **values):
        self.fields, self.rows, self.values = fields.split(), rows, values


USER = object()


@dataclass(eq=False)
class Node:
    key: str  # in the document
    model: type
    fields: str  # the model fields in the document, in its order (split into a tuple)
    children: tuple = ()
    order: tuple = ("pk",)
    one: bool = False  # an object (or null), not a list of them
    ref: bool = False  # rows have a "ref" that others point at
    unique: tuple = ()  # the keys that identify a row in its list
    types: dict = field(default_factory=dict)  # {field: pydantic type} where the model's is not the document's
    defaults: dict = field(default_factory=dict)  # {field: what a missing key means (...: required)} if not the model's
    after: dict = field(default_factory=dict)  # {field: (the field it must be after, error type)}
    nested: dict = field(default_factory=dict)  # {foreign key: Node}, written as an object within the row
    computed: dict = field(default_factory=dict)  # {key: (type, default, function of the row)}: export only
    select: tuple = ()  # related rows the export reads along (select_related)
    actor: tuple = ()  # fields set to the person importing, or starting a new period
    carry: Carry | None = None
    root: bool = False  # the document itself: its children are beside its own fields, not in them
    parent: str = ""  # the foreign key to the parent node's model (set by the parent)

    def __post_init__(self):
        self.fields = tuple(self.fields.split())
        for child in self.children:
            child.parent = next(f.name for f in child.model._meta.concrete_fields if f.related_model is self.model)

    def field(self, name):
        return self.model._meta.get_field(name)

    @cached_property
    def links(self):
        """(name, model field, kind) of the row's keys that are model fields of its own."""
        own = [name for name in self.fields if name not in self.computed and name not in self.nested]
        return [(name, self.field(name), kind(self.field(name))) for name in own]

    def spec(self, name):
        """(pydantic type, default) of a key of the rows."""
        if name in self.computed:
            return self.computed[name][:2]
        if name in self.nested:
            return model(self.nested[name]), ...
        typ, default = _type(self.field(name), self.types.get(name))
        typ = Annotated[typ, _after(*self.after[name])] if name in self.after else typ
        return typ, self.defaults.get(name, default)


def _revisions(text_length, **extra):
    return {"order": ("version",), "unique": ("version",), "types": {"text": Str(text_length)}, **extra}


def _by(*order):
    return {"order": (*order, "pk")}


PERIOD = Int(1, 32_767)
MADE_HERE = "set when the row is made on this server"
NOT_IN_VERSION_1 = "not in version 1 of the format (undecided: a decision is a public record)"


def _children(nodes):
    return {c.key: (model(c) | None, None) if c.one else (list[model(c)], Field(default_factory=list)) for c in nodes}


@cache
def model(node):
    """The pydantic model of one row of ``node`` (with its children; the document's are beside it)."""
    fields = {"ref": (Int(), ...)} if node.ref else {}
    fields |= {name: node.spec(name) for name in node.fields}
    return create_model(f"{node.model.__name__}Row", **fields, **_children(() if node.root else node.children))


# A new period ----------------------------------------------------------------------------------------


def copy_row(node, row, new_parent=None, *, user, copies, **values):
    """A copy of ``row`` for the new period as ``node.carry`` says (None: its party is not carried)."""
    kwargs, many = {node.parent: new_parent} if node.parent else {}, {}
    for name in node.carry.fields:
        f, how = node.field(name), kind(node.field(name))
        if f.many_to_many:
            related = getattr(row, name).all()
            many[name] = [copies[Membership].get(r.pk) for r in related] if how == "members" else related
        elif how == "party" and getattr(row, f.attname) is not None:
            kwargs[name] = copies[Party].get(getattr(row, f.attname))
            if kwargs[name] is None:
                return None
        else:
            kwargs[f.attname] = getattr(row, f.attname)
    for name, value in node.carry.values.items():
        kwargs[name] = user if value is USER else value(new_parent) if callable(value) else value
    copy = node.model.objects.create(**kwargs | dict.fromkeys(node.actor, user) | values)
    for name, related in many.items():
        getattr(copy, name).set([r for r in related if r is not None])
    copies.setdefault(node.model, {})[row.pk] = copy
    return copy


def carry_over(node, old, new, *, user, copies, rows):
    """Copies of the rows of ``node``'s children under ``old`` (carried ones only) under ``new``;
    ``rows`` maps a Carry's named selection to a function of the rows and ``old``."""
    for child in node.children:
        if child.carry is None:
            continue
        selection = child.carry.rows
        found = child.model.objects.filter(**{child.parent: old}).order_by(*child.order)
        if isinstance(selection, models.Q):
            found = found.filter(selection)
        elif selection is not None:
            found = (rows[selection] if isinstance(selection, str) else selection)(found, old)
        for row in found:
            copy = copy_row(child, row, new, user=user, copies=copies)
            if copy is not None:
                carry_over(child, row, copy, user=user, copies=copies, rows=rows)
    return copies
