"""The agreement: its template, prefilling from the checklists, completeness, and the decision
round (freeze → every party decides → decided; a change after freezing starts a new draft and
withdraws the decisions). Every transition is one function here, atomic, with its event.

States and transitions (anything else raises AgreementError):

    draft ──freeze──▶ for_decision ──all approve──▶ decided
      ▲                  │  │                          │
      └──new draft───────┘  └──a party rejects──▶ draft │
      └──────────────amendment (new draft)─────────────┘
"""

import difflib
import functools
import hashlib
import json
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guides.loader import SHORT_TEMPLATE, read_agreement_rules
from guides.models import AgreementTemplate, CollaborationForm, Item
from projects.agreements.models import (
    DECIDE_BY_CHANGED,
    Agreement,
    AgreementComment,
    AgreementSection,
    AgreementVersion,
    Decision,
    PartyRecord,
    PdfExport,
)
from projects.agreements.permissions import WRITE_SECTION
from projects.agreements.queries import decision_recorders
from projects.budget import services as budget
from projects.checklists.models import Answer
from projects.common import comments, pdf, versioned
from projects.common.i18n import localised
from projects.core.models import Event, EventText, Membership, Party, PartyStatus
from projects.core.permissions import is_coordinator_role, policy
from projects.goals import services as goals
from projects.notifications import services as notices
from projects.notifications.models import Kind
from projects.phases import services as phases
from projects.principles import services as principle_rules
from projects.screening import services as screening


class AgreementError(Exception):
    """A transition that the agreement's state does not allow; the message is for the person."""


@functools.cache
def rules():
    """The agreement's rules from fixtures/rules/agreement.yaml (which sections each template requires,
    the short agreement for samråd and dialogue, which checklist questions prefill which section),
    read once per process; ``manage.py load_guides`` checks them against the guides."""
    return read_agreement_rules()


def short_template():
    """The short agreement's sections: (key, title in the active language)."""
    return [(section.key, localised(section.title.model_dump())) for section in rules().short.sections]


def template_for(form: CollaborationForm | None):
    """The IOP headings for an IOP, the short agreement for samråd and dialogue, Halland's
    "Formulera följande" for the other forms (and when no form is chosen yet)."""
    if form is not None and form.slug in rules().short.forms:
        return None
    slug = "iop-rubriker" if form is not None and form.slug == "iop" else "halland-formulera-foljande"
    return AgreementTemplate.objects.filter(slug=slug).first()


@transaction.atomic
def create_agreement(collaboration, *, user, form=None, period=1):
    template = template_for(form)
    agreement = Agreement.objects.create(
        collaboration=collaboration,
        period=period,
        form=form,
        template=template,
        created_by=user,
        title=(_("Överenskommelse: %(title)s") % {"title": collaboration.title})[:200],
    )
    if template is None:
        rows = [(key, str(title), None) for key, title in short_template()]
        required = set(rules().required[SHORT_TEMPLATE])
    else:
        headings = template.headings.current().order_by("parent__order", "order").select_related("parent")
        rows = [
            (heading.slug, f"{heading.parent.title}: {heading.title}" if heading.parent else heading.title, heading)
            for heading in _depth_first(list(headings))
        ]
        required = set(rules().required.get(template.slug, ()))
    AgreementSection.objects.bulk_create(
        AgreementSection(
            agreement=agreement, key=key, title=title[:200], heading=heading, order=index, required=key in required
        )
        for index, (key, title, heading) in enumerate(rows, start=1)
    )
    prefill(agreement)
    Event.record(collaboration, user, Event.Kind.AGREEMENT_CREATED, agreement.title)
    return agreement


def _depth_first(headings):
    by_parent = {}
    for heading in headings:
        by_parent.setdefault(heading.parent_id, []).append(heading)
    ordered = []

    def walk(parent_id):
        for heading in sorted(by_parent.get(parent_id, []), key=lambda h: h.order):
            ordered.append(heading)
            walk(heading.pk)

    walk(None)
    return ordered


def prefill(agreement):
    """Fill empty sections from the checklist answers that feed them; never overwrite text."""
    feeds = rules().prefill
    sections = [s for s in agreement.sections.all() if not s.text.strip() and s.key in feeds]
    if not sections:
        return 0
    guide_sections = {slug for s in sections for slug in feeds[s.key]}
    answers = (
        Answer.objects.filter(
            collaboration=agreement.collaboration, item__section__slug__in=guide_sections, item__kind=Item.Kind.QUESTION
        )
        .exclude(text="")
        .select_related("item__section", "party__organisation")
        .order_by("item__section__sequence", "item__order", "party__organisation__name")
    )
    by_section = {}
    for answer in answers:
        who = f" ({answer.party.organisation.name})" if answer.party else ""
        by_section.setdefault(answer.item.section.slug, []).append(f"{answer.item.text}{who}\n{answer.text.strip()}")
    filled = 0
    for section in sections:
        parts = [text for slug in feeds[section.key] for text in by_section.get(slug, [])]
        if section.key == "iop-rubrik-ekonomi":
            parts += [
                f"{party.organisation.name}: {party.contribution}"
                for party in agreement.collaboration.parties.select_related("organisation")
                if party.contribution
            ]
        if parts:
            section.text = "\n\n".join(parts)[: AgreementSection.MAX_LENGTH]
            section.prefilled = True
            section.save(update_fields=["text", "prefilled"])
            filled += 1
    return filled


def missing_sections(agreement):
    """Required sections without text and without a recorded reason for leaving them out."""
    return [s for s in agreement.sections.all() if s.required and not s.is_complete]


def snapshot(agreement):
    """The content every party decides on: sections and the parts rendered from data."""
    collaboration = agreement.collaboration
    records = {r.party_id: r for r in agreement.party_records.all()}
    parties = []
    writers = Prefetch(
        "memberships",
        queryset=Membership.objects.filter(role__in=policy.roles_for(WRITE_SECTION)).select_related("user"),
    )
    for party in collaboration.parties.select_related("organisation").prefetch_related(writers):
        record = records.get(party.pk)
        # Contact persons: the party's coordinators, or its editors where it has no coordinator.
        people = list(party.memberships.all())
        contacts = [m.user.get_full_name() for m in people if is_coordinator_role(m.role)] or [
            m.user.get_full_name() for m in people
        ]
        parties.append(
            {
                "id": party.pk,
                "name": party.organisation.name,
                "sector": party.organisation.get_sector_display(),
                "org_number": party.organisation.org_number or "",
                "contribution": party.contribution,
                "record_number": record.record_number if record else "",
                "signatory": record.signatory if record else "",
                "wet_ink": bool(record and record.wet_ink),
                "contacts": contacts,
            }
        )
    return {
        "title": agreement.title,
        "collaboration": collaboration.title,
        "form": agreement.form.name if agreement.form else "",
        "period": {
            "number": agreement.period,
            "start": collaboration.start_date.isoformat() if collaboration.start_date else "",
            "end": collaboration.end_date.isoformat() if collaboration.end_date else "",
        },
        "parties": parties,
        "principles": principle_rules.snapshot(collaboration, agreement=agreement),
        "map": phases.map_snapshot(collaboration),
        "indicators": goals.snapshot_indicators(collaboration),
        "screening": screening.screening_snapshot(collaboration),
        "budget": budget.budget_snapshot(collaboration),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "text": s.text,
                "omitted_reason": s.omitted_reason,
                "from_data": s.from_data,
            }
            for s in agreement.sections.all()
        ],
    }


def contact_persons(parties):
    """Per party (``parties``, with their organisations, in their order): its name and its contact
    persons, as snapshot() lists them (the party's coordinators, or its editors where it has no
    coordinator), in one query: for the page, which shows only these of the snapshot's parts."""
    people = {}
    for membership in (
        Membership.objects.filter(party__in=parties, role__in=policy.roles_for(WRITE_SECTION))
        .select_related("user")
        .order_by("user__full_name")  # within a party, as Membership.Meta.ordering
    ):
        people.setdefault(membership.party_id, []).append(membership)
    contacts = []
    for party in parties:
        writers = people.get(party.pk, [])
        names = [m.user.get_full_name() for m in writers if is_coordinator_role(m.role)] or [
            m.user.get_full_name() for m in writers
        ]
        contacts.append({"party": party.organisation.name, "names": names})
    return contacts


def content_hash(content):
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def current_version(agreement):
    return agreement.versions.exclude(status=AgreementVersion.Status.WITHDRAWN).order_by("-number").first()


@transaction.atomic
def freeze(agreement, *, user, decide_by=None):
    """Freeze the draft as a new version for decision; ``decide_by``: the decision round's last day
    (optional; the form checks that it has not passed)."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.state != Agreement.State.DRAFT:
        raise AgreementError(_("Bara ett utkast kan låsas för beslut."))
    missing = missing_sections(agreement)
    if missing:
        raise AgreementError(
            _("Avsnitten %(titles)s saknar text. Skriv dem, eller ange varför de lämnas tomma.")
            % {"titles": ", ".join(s.title for s in missing)}
        )
    # Every party decides on the version: an organisation that has not yet agreed to be a party
    # (projects.organisations) cannot be asked to decide on it.
    waiting = list(
        Party.objects.filter(collaboration_id=agreement.collaboration_id, status=PartyStatus.PENDING)
        .order_by("pk")
        .values_list("organisation__name", flat=True)
    )
    if waiting:
        raise ValidationError(
            _("%(names)s har inte tackat ja till att vara part än. Vänta på svaret eller ta bort parten.")
            % {"names": ", ".join(waiting)},
            code="party_pending",
        )
    content = snapshot(agreement)
    number = (agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        content=content,
        content_hash=content_hash(content),
        frozen_by=user,
        decide_by=decide_by,
    )
    agreement.state = Agreement.State.FOR_DECISION
    agreement.save(update_fields=["state"])
    detail = (
        EventText(
            gettext_noop("v%(n)s, %(deadline)s"),
            n=number,
            deadline=EventText(gettext_noop("beslut senast %(date)s"), date=decide_by.isoformat()),
        )
        if decide_by
        else EventText(gettext_noop("v%(n)s"), n=number)
    )
    Event.record(agreement.collaboration, user, Event.Kind.AGREEMENT_FROZEN, agreement.title, detail)
    _tell_frozen(version, user)
    return version


def _agreement_path(collaboration, anchor="decision"):
    return reverse("projects:agreement", args=[collaboration.pk]) + (f"#{anchor}" if anchor else "")


def _tell_frozen(version, user):
    """Those who record each party's decision are told that a version waits for it."""
    collaboration = version.agreement.collaboration
    people = [m.user for members in decision_recorders(collaboration).values() for m in members]
    number, title, by = version.number, collaboration.title, version.decide_by

    def message():
        body = _(
            "Version %(n)d av överenskommelsen i %(title)s är klar för beslut. Läs den och registrera din parts "
            "beslut när er styrelse eller nämnd har fattat det."
        ) % {"n": number, "title": title}
        if by:
            body += " " + _("Beslutet ska vara registrerat senast %(date)s.") % {
                "date": formats.date_format(by, "j F Y")
            }
        return _("Version %(n)d av överenskommelsen är klar för beslut") % {"n": number}, body

    notices.notify(
        Kind.FROZEN,
        people,
        collaboration=collaboration,
        key=str(version.pk),
        path=_agreement_path(collaboration),
        message=message,
        exclude=user,
    )


def _tell_after_decision(version, user, decided):
    """After a party approved: everyone is told when the agreement is decided (with the PDF); when one
    party is left, its recorders are told that they are the last."""
    collaboration = version.agreement.collaboration
    number, title = version.number, collaboration.title
    if decided:
        pdf_path = reverse("projects:agreement_pdf", args=[collaboration.pk]) + f"?version={number}"

        def message():
            return (
                _("Överenskommelsen i %(title)s är beslutad") % {"title": title},
                _(
                    "Alla parter har godkänt version %(n)d av överenskommelsen i %(title)s. Den är nu beslutad "
                    "och låst. Ladda ner den beslutade versionen som PDF: %(pdf)s"
                )
                % {"n": number, "title": title, "pdf": settings.SITE_URL.rstrip("/") + pdf_path},
            )

        people = [m.user for m in collaboration.memberships.select_related("user")]
        notices.notify(
            Kind.DECIDED,
            people,
            collaboration=collaboration,
            key=str(version.pk),
            path=_agreement_path(collaboration, anchor=""),
            message=message,
        )
        return
    decided_parties = set(version.decisions.values_list("party_id", flat=True))
    missing = [
        party for party in collaboration.parties.select_related("organisation") if party.pk not in decided_parties
    ]
    if len(missing) != 1:
        return
    (party,) = missing
    name = party.organisation.name

    def last():
        return (
            _("Bara %(party)s har kvar att besluta om överenskommelsen") % {"party": name},
            _(
                "De andra parterna har godkänt version %(n)d av överenskommelsen i %(title)s. När %(party)s har "
                "registrerat sitt beslut är överenskommelsen beslutad."
            )
            % {"n": number, "title": title, "party": name},
        )

    notices.notify(
        Kind.MISSING,
        [m.user for m in decision_recorders(collaboration).get(party.pk, [])],
        collaboration=collaboration,
        key=f"{version.pk}:{party.pk}",
        path=_agreement_path(collaboration),
        message=last,
        exclude=user,
    )


@transaction.atomic
def set_decide_by(version, *, user, decide_by):
    """Give the decision round of a version still for decision its last day, change it, or remove it
    (``decide_by`` None). The form checks that the day has not passed."""
    version = AgreementVersion.objects.select_for_update().select_related("agreement__collaboration").get(pk=version.pk)
    if version.status != AgreementVersion.Status.FOR_DECISION:
        raise AgreementError(_("Version %(n)d väntar inte längre på beslut.") % {"n": version.number})
    if version.decide_by == decide_by:
        return version
    version.decide_by = decide_by
    version.save(update_fields=["decide_by"])
    day = decide_by.isoformat() if decide_by else EventText(gettext_noop("ingen sista dag"))
    detail = EventText(gettext_noop("v%(n)s: %(day)s"), n=version.number, day=day)
    Event.record(version.agreement.collaboration, user, DECIDE_BY_CHANGED, version.agreement.title, detail)
    return version


@transaction.atomic
def new_draft(agreement, *, user):
    """Back to drafting from "för beslut" (the frozen version and its decisions are withdrawn)
    or from "beslutad" (an amendment: the decided version stays as it was decided)."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.state == Agreement.State.DRAFT:
        return None
    version = current_version(agreement)
    withdrawn = []
    if agreement.state == Agreement.State.FOR_DECISION and version:
        withdrawn = [str(d.party) for d in version.decisions.select_related("party__organisation")]
        version.status = AgreementVersion.Status.WITHDRAWN
        version.save(update_fields=["status"])
    agreement.state = Agreement.State.DRAFT
    agreement.save(update_fields=["state"])
    Event.record(agreement.collaboration, user, Event.Kind.AGREEMENT_REDRAFTED, agreement.title, ", ".join(withdrawn))
    return withdrawn


@transaction.atomic
def record_decision(version, *, party, user, approved, body, decided_on, reference, comment=""):
    """A party's decision on the exact frozen version. All approve: decided and locked. A
    rejection: back to drafting, with the reason shown."""
    version = AgreementVersion.objects.select_for_update().select_related("agreement__collaboration").get(pk=version.pk)
    agreement = version.agreement
    if version.status != AgreementVersion.Status.FOR_DECISION or agreement.state != Agreement.State.FOR_DECISION:
        raise AgreementError(_("Den här versionen är inte längre för beslut."))
    if party.collaboration_id != agreement.collaboration_id:
        raise AgreementError(_("Parten är inte med i samverkan."))
    if version.decisions.filter(party=party).exists():
        raise AgreementError(
            _("%(party)s har redan registrerat sitt beslut om version %(n)d.") % {"party": party, "n": version.number}
        )
    decision = Decision.objects.create(
        version=version,
        party=party,
        approved=approved,
        body=body,
        decided_on=decided_on,
        reference=reference,
        comment=comment,
        recorded_by=user,
        recorded_by_name=user.get_full_name()[:150],
    )
    collaboration = agreement.collaboration
    Event.record(
        collaboration,
        user,
        Event.Kind.AGREEMENT_DECISION,
        str(party),
        EventText(
            gettext_noop("v%(n)s: %(decision)s (%(reference)s)"),
            n=version.number,
            decision=EventText(gettext_noop("godkänd") if approved else gettext_noop("avslagen")),
            reference=reference,
        ),
    )
    if not approved:
        version.status = AgreementVersion.Status.REJECTED
        version.save(update_fields=["status"])
        agreement.state = Agreement.State.DRAFT
        agreement.save(update_fields=["state"])
        Event.record(collaboration, user, Event.Kind.AGREEMENT_REJECTED, str(party), comment[:200])
        return decision
    parties = set(Party.objects.filter(collaboration=collaboration).values_list("pk", flat=True))
    approved_by = set(version.decisions.filter(approved=True).values_list("party_id", flat=True))
    if parties <= approved_by:
        version.status = AgreementVersion.Status.DECIDED
        version.save(update_fields=["status"])
        agreement.state = Agreement.State.DECIDED
        agreement.save(update_fields=["state"])
        Event.record(
            collaboration,
            user,
            Event.Kind.AGREEMENT_DECIDED,
            agreement.title,
            EventText(gettext_noop("v%(n)s"), n=version.number),
        )
        phases.follow_decided_agreement(collaboration, user=user)  # into Genomförande
        from projects.agreements.tasks import keep_decided_pdf  # the tasks module imports this one

        transaction.on_commit(lambda: keep_decided_pdf.enqueue(version.pk))
        _tell_after_decision(version, user, decided=True)
    else:
        _tell_after_decision(version, user, decided=False)
    return decision


def set_party_record(agreement, *, party, record_number="", signatory="", wet_ink=False):
    record, _created = PartyRecord.objects.update_or_create(
        agreement=agreement,
        party=party,
        defaults={"record_number": record_number, "signatory": signatory, "wet_ink": wet_ink},
    )
    return record


@transaction.atomic
def save_section(section, *, user, text, base_version, restored_from=None):
    """Save a section's text if it is still at ``base_version`` (projects.common.versioned), while the
    agreement is a draft."""
    current = versioned.lock(AgreementSection.objects.select_related("agreement"), pk=section.pk)
    _draft_only(current.agreement)
    return versioned.save(
        current, user=user, text=text, base_version=base_version, write=_unprefill, restored_from=restored_from
    )


def _unprefill(rows, change):
    """A prefilled text edited by a person is no longer marked prefilled."""
    change["prefilled"] = False
    rows.update(**change)


def _draft_only(agreement):
    if agreement.state != Agreement.State.DRAFT:
        raise AgreementError(_("Överenskommelsen är inte ett utkast. Starta ett nytt utkast för att ändra den."))


@transaction.atomic
def add_section(agreement, *, user, title):
    _draft_only(agreement)
    last = agreement.sections.order_by("-order").values_list("order", flat=True).first() or 0
    section = AgreementSection.objects.create(agreement=agreement, key=f"egen-{last + 1}", title=title, order=last + 1)
    Event.record(
        agreement.collaboration, user, Event.Kind.AGREEMENT_SECTIONS, title, EventText(gettext_noop("tillagt"))
    )
    return section


@transaction.atomic
def rename_section(section, *, user, title):
    _draft_only(section.agreement)
    old = section.title
    section.title = title
    section.save(update_fields=["title"])
    Event.record(section.agreement.collaboration, user, Event.Kind.AGREEMENT_SECTIONS, title, f"{old} → {title}")


@transaction.atomic
def move_section(section, *, user, step):
    """Swap with the neighbour above (step -1) or below (+1)."""
    _draft_only(section.agreement)
    siblings = list(section.agreement.sections.order_by("order", "pk"))
    index = next(i for i, s in enumerate(siblings) if s.pk == section.pk)
    other = index + step
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, item in enumerate(siblings, start=1):
        if item.order != order:
            AgreementSection.objects.filter(pk=item.pk).update(order=order)


@transaction.atomic
def remove_section(section, *, user):
    _draft_only(section.agreement)
    if section.required:
        raise AgreementError(
            _("%(title)s krävs för samverkansformen. Ange i stället varför det lämnas utan text.")
            % {"title": section.title}
        )
    removed = EventText(gettext_noop("borttaget"))
    Event.record(section.agreement.collaboration, user, Event.Kind.AGREEMENT_SECTIONS, section.title, removed)
    section.delete()


def compare(older, newer):
    """Section by section: (title, status, [(kind, text)]) with kind "same", "added" or "removed",
    word by word. Sections are matched by their key."""
    old_sections = {s["key"]: s for s in older.get("sections", [])}
    new_keys = {s["key"] for s in newer.get("sections", [])}
    rows = []
    for section in newer.get("sections", []):
        before = old_sections.get(section["key"])
        if before is None:
            rows.append((section["title"], "added", [("added", section["text"])]))
            continue
        parts = _diff_words(before["text"], section["text"])
        changed = any(kind != "same" for kind, _text in parts) or before["title"] != section["title"]
        rows.append((section["title"], "changed" if changed else "same", parts))
    for key, section in old_sections.items():
        if key not in new_keys:
            rows.append((section["title"], "removed", [("removed", section["text"])]))
    return rows


def _diff_words(old, new):
    a, b = re.findall(r"\S+|\s+", old), re.findall(r"\S+|\s+", new)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("added", "".join(b[j1:j2])))
    return parts


def version_pdf(version, *, keep=False, archival=False):
    """The PDF of a frozen version. A decided version's is made once and kept (``keep``: by the task
    that the last party's decision starts, so that a download, a GET, never writes); one still "för
    beslut" carries the UTKAST mark and is made on demand. ``archival``: rendered afresh as PDF/A-2a for
    projects.records, which adds its metadata, seals it and keeps it (never kept here)."""
    if version.pdf and not archival:
        return bytes(version.pdf)
    decisions = list(version.decisions.select_related("party__organisation"))
    # The decisions table names each party as the version does, not as the organisation is named
    # now (these instances are only rendered, never saved). The snapshot's party ids are this
    # collaboration's only when it was frozen here: a version restored from a file (projects.transfer,
    # frozen before its collaboration was created) holds the ids of the one it was exported from.
    if version.frozen_at >= version.agreement.collaboration.created_at:
        frozen_names = {p.get("id"): p.get("name") for p in version.content.get("parties", [])}
        for decision in decisions:
            if frozen_names.get(decision.party_id):
                decision.party.organisation.name = frozen_names[decision.party_id]
    decided = version.status == AgreementVersion.Status.DECIDED
    variant = "pdf/a-2a" if archival else "pdf/ua-1"
    data = pdf.render_pdf(version.content, variant, version=version, decisions=decisions, draft=not decided)
    if archival:
        return data
    if decided and keep:
        AgreementVersion.objects.filter(pk=version.pk, pdf__isnull=True).update(pdf=data)
    return data


# Writes the agreement page's smaller forms make -------------------------------------------------


@transaction.atomic
def omit_section(section, *, user, reason):
    """Why a required section is left without text (or, with an empty reason, that it will be written)."""
    section.omitted_reason = reason.strip()
    section.save(update_fields=["omitted_reason"])
    detail = (
        EventText(gettext_noop("lämnas utan text: %(reason)s"), reason=section.omitted_reason[:482])
        if section.omitted_reason
        else ""
    )
    Event.record(section.agreement.collaboration, user, Event.Kind.AGREEMENT_SECTIONS, section.title, detail)


@transaction.atomic
def set_writers(agreement, *, user, memberships):
    """The writing group: these editors and coordinators (none: every editor and coordinator writes)."""
    agreement.writers.set(memberships)
    names = ", ".join(m.user.get_full_name() for m in memberships)
    Event.record(
        agreement.collaboration,
        user,
        Event.Kind.AGREEMENT_WRITERS,
        agreement.title,
        names or EventText(gettext_noop("alla redaktörer")),
    )


@transaction.atomic
def add_comment(section, *, membership, text):
    """A comment on a section; the people it mentions and those who wrote the section are told."""
    collaboration = section.agreement.collaboration
    event = (collaboration, Event.Kind.AGREEMENT_COMMENT, section.title, text[:200])
    comment = comments.add_comment(AgreementComment, membership, text, event=event, section=section)
    writers = {section.updated_by_id} | set(section.revisions.values_list("author", flat=True))
    notices.notify_comment(
        collaboration=collaboration,
        comment=comment,
        writers=list(get_user_model().objects.filter(pk__in=writers - {None})),
        about=section.title,
        path=reverse("projects:agreement_section_comments", args=[collaboration.pk, section.pk]),
        key=f"section:{comment.pk}",
    )
    return comment


@transaction.atomic
def request_pdf_export(agreement, *, user, version, filename):
    """A large agreement's PDF, rendered in the background (projects.tasks.render_export)."""
    from projects.agreements.tasks import render_export

    export = PdfExport.objects.create(agreement=agreement, version=version, filename=filename, requested_by=user)
    transaction.on_commit(lambda: render_export.enqueue(export.pk))
    return export
