"""A whole collaboration as one JSON document, and back into a new collaboration.

The document (``format`` "samverkan-export", ``version`` 1) holds the collaboration and everything
the parties wrote in it, as projects.transfer.schema declares it: guide content by its slug, people
by their e-mail address, parties and meetings by a ``ref``. Decided agreement versions keep their
content and hash exactly (the hash is checked on import); their PDFs are made again.

Import (:func:`import_collaboration`) first validates the whole document (:func:`validate`) and
reports every problem as "where: what" in Swedish; only a valid document is written, in one
transaction, as a NEW collaboration titled "<title> (importerad)".

People: only the person importing becomes a member: coordinator of the first party whose
organisation they are a member of (projects.organisations). The people in the file are NOT made
members and NOT sent invitations: a file anyone can upload must not give accounts access to a
collaboration, nor make the app send e-mail to addresses it names. They are returned
(``ImportResult.to_invite``) so the coordinator can invite them from the people page. Elsewhere
e-mail addresses only attribute history (who wrote an answer, who recorded a decision): an address
that belongs to an account here is linked to it, an unknown one is left empty.

Organisations: an import never grants anything in an organisation's name. Organisations are matched
by organisation number and left exactly as they are (name, number, members); one without a number,
or with a number not yet registered here, is created without members (nobody speaks for it yet). A
party is accepted only when the importer administers its organisation, or it is the party the
importer joins; every other party is pending, and a request goes to its organisation as when a
party is added by hand. An importer who is a member of none of the file's organisations is refused,
and nothing is created.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import BaseModel
from pydantic import ValidationError as SchemaError

from projects.common.validators import normalise_org_number
from projects.core.models import Collaboration, Event, EventText, Membership, Organisation, Party, PartyStatus, Role
from projects.meetings.models import Meeting
from projects.organisations import services as organisations
from projects.organisations.permissions import policy
from projects.transfer.schema import DOCUMENT, NODES, ORGANISATION, document_model, kind, message, where

FORMAT = "samverkan-export"
VERSION = 1
MAX_BYTES = 10 * 1024 * 1024
MAX_ERRORS = 50
IMPORTED_SUFFIX = " (importerad)"


def _everything(document):
    """(node, row, path) of every row in the document (raw or cleaned; what is not an object is left)."""

    def walk(node, value, path, children=True):
        rows = [(None, value)] if node.one else enumerate(value) if isinstance(value, list) else ()
        for index, row in rows:
            at = path if node.one else f"{path}[{index}]"
            if isinstance(row, dict):
                yield node, row, at
                for child in node.children if children else ():
                    yield from walk(child, row.get(child.key), f"{at}.{child.key}")

    yield from walk(DOCUMENT, document.get("collaboration"), "collaboration", children=False)
    for child in DOCUMENT.children:
        yield from walk(child, document.get(child.key), child.key)


# Export ----------------------------------------------------------------------------------------


def export_collaboration(collaboration):
    """The document for ``collaboration`` (a dict, ready for json.dumps). The number of queries
    does not depend on how much the collaboration holds: one for each node of the schema."""
    rows = _Export(collaboration).dump(DOCUMENT, collaboration)  # its fields, then its children's rows
    head = {"format": FORMAT, "version": VERSION, "exported_at": timezone.now().isoformat()}
    return head | {"collaboration": {name: rows.pop(name) for name in DOCUMENT.fields}} | rows


class _Export:
    def __init__(self, collaboration):
        self.rows = {}  # {node: {parent pk: [rows]}}
        self.fetch(DOCUMENT, "", collaboration)
        self.refs = {
            node.model: {row.pk: n for n, row in enumerate(self.rows[node][collaboration.pk], 1)}
            for node in DOCUMENT.children
            if node.ref
        }

    def fetch(self, node, lookup, collaboration):
        """The rows of every node under ``node``, one query each."""
        for child in node.children:
            path = f"{child.parent}__{lookup}" if lookup else child.parent
            many = [
                Prefetch(name, queryset=f.related_model.objects.order_by("slug"))
                if how == "slugs"
                else Prefetch(name, queryset=Membership.objects.select_related("user"))
                for name, f, how in child.links
                if f.many_to_many
            ]
            rows = (
                child.model.objects.filter(**{path: collaboration})
                .select_related(
                    *child.nested, *child.select, *(name for name, _f, how in child.links if how in ("slug", "user"))
                )
                .prefetch_related(*many)
                .defer(*(f.name for f in child.model._meta.concrete_fields if isinstance(f, models.BinaryField)))
                .order_by(*child.order)
            )
            grouped = self.rows[child] = defaultdict(list)
            for row in rows:
                grouped[getattr(row, f"{child.parent}_id")].append(row)
            if grouped:
                self.fetch(child, path, collaboration)

    def dump(self, node, row):
        out = {"ref": self.refs[node.model][row.pk]} if node.ref else {}
        for name in node.fields:
            if name in node.computed:
                out[name] = node.computed[name][2](row)
            elif name in node.nested:
                out[name] = self.dump(node.nested[name], getattr(row, name))
            else:
                out[name] = self.value(node.field(name), row)
        for child in node.children:
            rows = [self.dump(child, r) for r in self.rows.get(child, {}).get(row.pk, [])]
            out[child.key] = (rows[0] if rows else None) if child.one else rows
        return out

    def value(self, f, row):
        how = kind(f)
        if how == "slugs":
            return [related.slug for related in getattr(row, f.name).all()]
        if how == "members":  # the writing group: members of this collaboration, by address
            members = sorted(getattr(row, f.name).all(), key=lambda m: m.user_id)
            return [m.user.email for m in members if m.collaboration_id == row.collaboration_id]
        value = getattr(row, f.attname)
        if how in ("party", "meeting"):
            return self.refs[f.related_model].get(value)
        if how in ("user", "slug"):
            return getattr(getattr(row, f.name), "email" if how == "user" else "slug") if value is not None else None
        if isinstance(value, date):
            return value.isoformat()
        return str(value) if isinstance(value, Decimal) else value


def export_json(collaboration):
    return json.dumps(export_collaboration(collaboration), ensure_ascii=False, indent=2)


# Validation ------------------------------------------------------------------------------------


class InvalidImport(Exception):
    """The document cannot be imported; ``errors`` lists "where: what" in Swedish."""

    def __init__(self, errors):
        super().__init__("; ".join(errors[:3]))
        self.errors = errors


def parse(data: bytes):
    """The bytes of an uploaded file as a JSON object, or InvalidImport."""
    if len(data) > MAX_BYTES:
        raise InvalidImport([_("Filen är större än 10 MB.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidImport([_("Filen är inte text i UTF-8. Välj en JSON-fil som Samverkan har exporterat.")]) from None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidImport([_("Filen är inte giltig JSON. Välj en JSON-fil som Samverkan har exporterat.")]) from None
    return document


def validate(document):
    """The cleaned document (plain dicts and lists), or InvalidImport with every problem found (at
    most MAX_ERRORS): the pydantic models of projects.transfer.schema, then the links across the
    document (refs, guide slugs, duplicates) and the organisation numbers."""
    if not isinstance(document, dict):
        raise InvalidImport([_("Filen är inte en export från Samverkan (den ska vara ett JSON-objekt).")])
    if document.get("format") != FORMAT:
        problem = _("format: ska vara ”%(format)s”; filen är inte en export av en samverkan.")
        raise InvalidImport([problem % {"format": FORMAT}])
    if document.get("version") != VERSION:
        problem = _("version: filen har version %(found)s; den här versionen av Samverkan kan läsa version %(v)d.")
        raise InvalidImport([problem % {"found": str(document.get("version"))[:20], "v": VERSION}])
    cleaned, errors = None, []
    try:
        cleaned = _plain(document_model().model_validate(document))
    except SchemaError as invalid:
        errors = [f"{where(error['loc'])}: {message(error)}" for error in invalid.errors(include_url=False)]
    errors += _check_links(document)
    if cleaned is not None:
        errors += _check_organisations(cleaned)
    if errors:
        raise InvalidImport(errors[:MAX_ERRORS])
    return cleaned


def _plain(value):
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    return [_plain(item) for item in value] if isinstance(value, list) else value


def _error(at, kind_, **ctx):
    return f"{at}: {message({'type': kind_, 'ctx': ctx})}"


def _check_links(document):
    """Refs that point at no party or meeting, slugs not in the guides and rows that repeat
    another's key: checked where those values are well formed, even where other parts of the
    document are not, so that every problem is reported at once."""
    errors, seen, pointers, slugs = [], {}, [], defaultdict(lambda: defaultdict(list))
    refs = {Party: set(), Meeting: set()}
    if isinstance(document.get("parties"), list) and not document["parties"]:
        errors.append(_error("parties", "no_party"))
    for node, row, at in _everything(document):
        if node.ref and isinstance(row.get("ref"), int):
            refs[node.model].add(row["ref"])
        if node.unique:
            key = (at.rpartition("[")[0], *((type(v), v) for v in map(row.get, node.unique)))  # True is not 1
            try:
                other = seen.setdefault(key, at)
            except TypeError:  # not a value a key can have: reported by the schema
                other = at
            if other != at:
                errors.append(_error(at, "duplicate", other=other))
        for name, f, how in node.links:
            value = row.get(name)
            if how in ("party", "meeting") and isinstance(value, int) and not isinstance(value, bool):
                pointers.append((f.related_model, value, f"{at}.{name}"))
            many = enumerate(value) if how == "slugs" and isinstance(value, list) else ()
            for path, slug in (
                [(f"{at}.{name}", value)] if how == "slug" else ((f"{at}.{name}[{i}]", s) for i, s in many)
            ):
                if isinstance(slug, str) and 0 < len(slug) <= 100:
                    slugs[f.related_model][slug].append(path)
    for model, ref, at in pointers:
        if ref not in refs[model]:
            errors.append(_error(at, "party_ref" if model is Party else "meeting_ref", ref=ref))
    for model, paths in slugs.items():
        found = set(model.objects.filter(slug__in=list(paths)).values_list("slug", flat=True))
        errors += [
            _error(at, "unknown_slug", slug=slug[:100]) for slug in paths if slug not in found for at in paths[slug][:3]
        ]
    return errors


def _check_organisations(doc):
    """Organisation numbers: valid (normalised as NNNNNN-NNNN), and one party per organisation."""
    errors, numbers = [], {}
    for index, p in enumerate(doc["parties"]):
        at = f"parties[{index}].organisation.org_number"
        raw = p["organisation"]["org_number"]
        if not raw:
            p["organisation"]["org_number"] = None
            continue
        try:
            number = normalise_org_number(raw)
        except ValidationError as error:
            errors.append(f"{at}: {' '.join(error.messages)}")
            continue
        if number in numbers:
            errors.append(_error(at, "same_organisation", other=numbers[number]))
        numbers[number] = at
        p["organisation"]["org_number"] = number
    return errors


# Import ----------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    collaboration: Collaboration
    to_invite: list = field(default_factory=list)  # [{"name", "email", "role", "party"}] not made members


def import_collaboration(data: bytes, *, user):
    """Validate the file and restore it as a new collaboration; InvalidImport when it cannot be."""
    document = validate(parse(data))
    try:
        return _restore(document, user=user)
    except (IntegrityError, ValidationError):  # a rule the validation missed: nothing is kept
        raise InvalidImport([_("Filen kunde inte läsas in: uppgifterna i den hänger inte ihop.")]) from None


def _match_organisations(doc, user):
    """({party ref: the registered Organisation, or None where the import creates one}, the ref of
    the party the importer joins: the first whose organisation they are a member of). InvalidImport
    when they are a member of none of them: nobody imports in other organisations' names only."""
    numbers = [p["organisation"]["org_number"] for p in doc["parties"] if p["organisation"]["org_number"]]
    known = {o.org_number: o for o in Organisation.objects.filter(org_number__in=numbers)}
    matched = {
        p["ref"]: known.get(p["organisation"]["org_number"]) if p["organisation"]["org_number"] else None
        for p in doc["parties"]
    }
    home = next(
        (ref for ref, organisation in matched.items() if organisation and policy.is_member(user, organisation)),
        None,
    )
    if home is None:
        refused = _(
            "Du är inte medlem i någon av organisationerna i filen. Be att få gå med i din "
            "organisation först, eller importera för en organisation du företräder."
        )
        raise InvalidImport([f"parties: {refused}"])
    return matched, home


class _Restore:
    """What the rows being restored point at: people by address (an account here, else nobody),
    guide content by slug, parties and meetings by ref, the writing group by address (the importer
    only: see the module's docstring)."""

    def __init__(self, doc, user):
        emails, slugs = set(), defaultdict(set)
        for node, row, _at in _everything(doc):
            for name, f, how in node.links if node.key != "people" else ():
                if how in ("user", "members") and row[name]:
                    emails.update(row[name] if how == "members" else [row[name]])
                elif how in ("slug", "slugs") and row[name]:
                    slugs[f.related_model].update(row[name] if how == "slugs" else [row[name]])
        found = get_user_model().objects.annotate(address=Lower("email")).filter(address__in=emails)
        self.users = {u.email.lower(): u for u in found} if emails else {}
        self.slugs = {model: {o.slug: o for o in model.objects.filter(slug__in=s)} for model, s in slugs.items()}
        self.refs, self.members, self.user = {Party: {}, Meeting: {}}, {}, user

    def value(self, f, how, value):
        if how == "user":
            return self.users.get(value) if value else None
        if how in ("party", "meeting"):
            return self.refs[f.related_model].get(value)
        if how == "slug":
            return self.slugs[f.related_model].get(value) if value else None
        if how == "slugs":
            return [self.slugs[f.related_model][slug] for slug in value]
        return [self.members[email] for email in value if email in self.members] if how == "members" else value

    def create(self, node, rows, children=True, **fixed):
        """The rows of ``node`` (and their children) as new model rows with ``fixed`` values."""
        rows = ([rows] if rows else []) if node.one else rows
        links = node.links
        made = [
            node.model(**{f.name: self.value(f, how, row[name]) for name, f, how in links if not f.many_to_many})
            for row in rows
        ]
        for obj in made:
            for name, value in {**dict.fromkeys(node.actor, self.user), **fixed}.items():
                setattr(obj, name, value)
        if node.children or node.ref or any(f.many_to_many for _n, f, _k in links):
            for obj in made:
                obj.save(force_insert=True)
        else:
            node.model.objects.bulk_create(made)
        for obj, row in zip(made, rows, strict=True):
            if node.ref:
                self.refs[node.model][row["ref"]] = obj
            for name, f, how in links:
                if f.many_to_many:
                    getattr(obj, name).set(self.value(f, how, row[name]))
            for child in node.children if children else ():
                self.create(child, row[child.key], **{child.parent: obj})
        return made


@transaction.atomic
def _restore(doc, *, user):
    matched, home = _match_organisations(doc, user)  # before anything is written
    restore = _Restore(doc, user)
    info = doc["collaboration"]
    title = info["title"][: 200 - len(IMPORTED_SUFFIX)] + IMPORTED_SUFFIX
    (collaboration,) = restore.create(DOCUMENT, info, children=False, title=title)

    # Parties and their organisations: matched by organisation number (and left as they are), else
    # created without members. A party is pending unless the importer administers its organisation
    # or joins it (see the module's docstring).
    pending = []
    for p in doc["parties"]:
        organisation = matched[p["ref"]]
        created = organisation is None
        if created:
            (organisation,) = restore.create(ORGANISATION, p["organisation"], created_by=user)
            organisations.record(organisation, user, "registered", organisation.name, _("Skapad vid import"))
        accepted = p["ref"] == home or (not created and policy.is_admin(user, organisation))
        status = PartyStatus.ACCEPTED if accepted else PartyStatus.PENDING
        (party,) = restore.create(
            NODES["parties"],
            [p],
            collaboration=collaboration,
            organisation=organisation,
            status=status,
            requested_by=user,
        )
        if not accepted:
            pending.append(party)
    for pending_party in pending:
        organisations.request_party(pending_party, user=user)

    membership = Membership.objects.create(
        collaboration=collaboration, party=restore.refs[Party][home], user=user, role=Role.COORDINATOR
    )
    restore.members[user.email.lower()] = membership
    to_invite = [
        {key: p[key] for key in ("name", "email", "role")}
        | {"party": str(restore.refs[Party][p["party"]].organisation)}
        for p in doc["people"]
        if (p["email"] or "").lower() != user.email.lower()
    ]
    for node in DOCUMENT.children[2:]:  # after the parties and the people
        restore.create(node, doc[node.key], collaboration=collaboration)

    detail = EventText(gettext_noop("%(n)d personer i filen att bjuda in"), n=len(to_invite)) if to_invite else ""
    Event.record(collaboration, user, Event.Kind.COLLABORATION_IMPORTED, collaboration.title, detail)
    return ImportResult(collaboration=collaboration, to_invite=to_invite)
