"""The agreement page: writing the sections (autosaved, with version conflicts), locking a version
for decision ("freeze" in the code), each party's decision, a new draft, and the PDF. The rules are in
projects.agreements."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects.agreements import permissions as perms
from projects.agreements import services as agreements
from projects.agreements import word
from projects.agreements.forms import (
    AgreementStartForm,
    DecideByForm,
    DecisionForm,
    PartyRecordForm,
    SectionOmitForm,
)
from projects.agreements.models import Agreement, AgreementComment, AgreementSection, AgreementVersion, PdfExport
from projects.agreements.queries import decision_recorders
from projects.agreements.services import AgreementError
from projects.archive import permissions as archive_perms
from projects.common import docx, pdf, versioned
from projects.common.comments import thread
from projects.common.forms import CommentForm, form_errors
from projects.core.permissions import collaboration_required, policy
from projects.principles import services as principle_rules


def _agreement(collaboration):
    return (
        Agreement.objects.filter(collaboration=collaboration)
        .select_related("form", "template")
        .order_by("-period")
        .first()
    )


def _as_id(value):
    """A database id from text, or 0 (which matches nothing) when it is not one."""
    return int(value) if value.isdigit() and len(value) < 19 else 0


def _posted_id(request, name):
    return _as_id(request.POST.get(name, ""))


def _to_agreement(request, collaboration):
    return redirect("projects:agreement", collaboration.pk)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def agreement_detail(request, collaboration):
    return _render_detail(request, collaboration)


def _render_detail(
    request, collaboration, decision_form=None, status=200, pending=None, freeze_form=None, decide_by_form=None
):
    """The agreement page. ``pending``: {section pk: {"text", "version", "error", "theirs"}} for a
    section whose text was not saved (without JavaScript): its field keeps the person's text.
    ``decision_form``, ``freeze_form``, ``decide_by_form``: a form sent with errors, shown again with
    what the person wrote."""
    agreement = _agreement(collaboration)
    can_manage = policy.user_has_permission(request.user, perms.MANAGE, collaboration)
    if agreement is None:
        return render(
            request,
            "projects/agreements/agreement.html",
            {
                "collaboration": collaboration,
                "agreement": None,
                "can_manage": can_manage,
                "start_form": AgreementStartForm(initial={"form": collaboration.form_id}) if can_manage else None,
            },
        )
    membership = request.membership
    sections = list(
        agreement.sections.select_related("updated_by")
        .annotate(n_comments=Count("comments"))
        .prefetch_related("principles")
    )
    for section in sections:
        section.pending = (pending or {}).get(section.pk)
    versions = list(agreement.versions.prefetch_related("decisions__party__organisation", "decisions__recorded_by"))
    current = agreements.current_version(agreement)
    parties = list(collaboration.parties.select_related("organisation"))
    records = {r.party_id: r for r in agreement.party_records.all()}
    decided_by = {d.party_id for d in current.decisions.all()} if current else set()
    my_party = membership.party
    # The writing and deciding flags are answered without the archive, as they always were: in an
    # archived collaboration the page still shows them, and the decorators refuse the POSTs.
    for_decision = (
        agreement.state == Agreement.State.FOR_DECISION
        and current is not None
        and current.status == AgreementVersion.Status.FOR_DECISION
    )
    # The decision form: only for those who may record the party's decision (RECORD_DECISION's rule).
    can_decide = (
        for_decision
        and my_party.pk not in decided_by
        and policy.user_has_permission(
            request.user, perms.RECORD_DECISION, collaboration, my_party, ignore_archived=True
        )
    )
    # The decision round after the text: each party's decision, or whose it awaits and who records it.
    decision_round = []
    if for_decision:
        recorders = decision_recorders(collaboration)
        decisions = {d.party_id: d for d in current.decisions.all()}
        decision_round = [
            {
                "party": party,
                "decision": decisions.get(party.pk),
                "names": ", ".join(m.user.get_full_name() for m in recorders.get(party.pk, [])),
            }
            for party in parties
        ]
    rejection = next(
        (
            d
            for v in versions
            if v.status == AgreementVersion.Status.REJECTED
            for d in v.decisions.all()
            if not d.approved
        ),
        None,
    )
    return render(
        request,
        "projects/agreements/agreement.html",
        {
            "collaboration": collaboration,
            "agreement": agreement,
            "sections": sections,
            "missing": [s for s in sections if s.required and not s.is_complete],
            "versions": versions,
            "current": current,
            "parties": [(p, records.get(p.pk)) for p in parties],
            "can_manage": can_manage,
            "can_archive": policy.user_has_permission(request.user, archive_perms.DOWNLOAD, collaboration),
            "can_write": agreement.state == Agreement.State.DRAFT
            and policy.user_has_permission(
                request.user, perms.WRITE_SECTION, collaboration, agreement, ignore_archived=True
            ),
            "can_decide": can_decide,
            "decision_form": (decision_form or DecisionForm()) if can_decide else None,
            "for_decision": for_decision,
            "decision_round": decision_round,
            "my_round": next((row for row in decision_round if row["party"].pk == my_party.pk), None),
            "today": timezone.localdate(),
            "freeze_form": (freeze_form or DecideByForm())
            if can_manage and agreement.state == Agreement.State.DRAFT
            else None,
            "decide_by_form": (decide_by_form or DecideByForm(current=current.decide_by))
            if can_manage and for_decision
            else None,
            "record_form": PartyRecordForm(
                initial={
                    "record_number": getattr(records.get(my_party.pk), "record_number", ""),
                    "signatory": getattr(records.get(my_party.pk), "signatory", ""),
                    "wet_ink": getattr(records.get(my_party.pk), "wet_ink", False),
                }
            )
            if policy.user_has_permission(
                request.user, perms.RECORD_PARTY_DETAILS, collaboration, my_party, ignore_archived=True
            )
            else None,
            "my_party": my_party,
            "rejection": rejection if agreement.state == Agreement.State.DRAFT else None,
            "writer_choices": collaboration.memberships.filter(
                role__in=policy.roles_for(perms.WRITE_SECTION)
            ).select_related("user", "party__organisation")
            if can_manage
            else [],
            "writer_ids": set(agreement.writers.values_list("pk", flat=True)),
            # The writing group as a list, where it is not a form (not a coordinator, or the text is locked).
            "writers": agreement.writers.select_related("user", "party__organisation").order_by("user__full_name")
            if not (can_manage and agreement.state == Agreement.State.DRAFT)
            else [],
            # Only what the page shows of the snapshot, and only when it shows it.
            "contacts": agreements.contact_persons(parties) if any(s.from_data == "contacts" for s in sections) else [],
        }
        | principle_rules.lens_context(agreement, sections),  # the principles lens: tags and gaps
        status=status,
    )


@login_required
@require_POST
@collaboration_required(perms.MANAGE)
def agreement_start(request, collaboration):
    if _agreement(collaboration) is not None:
        messages.info(request, _("Samverkan har redan en överenskommelse."))
        return _to_agreement(request, collaboration)
    form = AgreementStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Välj en samverkansform i listan, eller ingen."))
        return _to_agreement(request, collaboration)
    agreements.create_agreement(collaboration, user=request.user, form=form.cleaned_data["form"])
    messages.success(request, _("Överenskommelsen är påbörjad. Avsnitt som checklistorna besvarar är förifyllda."))
    return _to_agreement(request, collaboration)


def _section(collaboration, section_pk):
    return get_object_or_404(
        AgreementSection.objects.select_related("agreement"), pk=section_pk, agreement__collaboration=collaboration
    )


@login_required
@require_POST
@collaboration_required(perms.WRITE_SECTION)
def agreement_section_save(request, collaboration, section_pk):
    section = _section(collaboration, section_pk)
    if not policy.user_has_permission(request.user, perms.WRITE_SECTION, collaboration, section.agreement):
        raise PermissionDenied
    key = section.prefix
    text = request.POST.get(f"{key}-text", "").replace("\r\n", "\n").replace("\x00", "")
    try:
        base = int(request.POST.get(f"{key}-version", ""))
    except ValueError:
        base = -1
    error, result = None, None
    if len(text) > AgreementSection.MAX_LENGTH:
        error = _("Avsnittet får vara högst %(n)d tecken (det är nu %(m)d).") % {
            "n": AgreementSection.MAX_LENGTH,
            "m": len(text),
        }
    else:
        try:
            result = agreements.save_section(section, user=request.user, text=text, base_version=base)
        except AgreementError as exc:
            error = str(exc)
    if not request.htmx:
        if error or result.conflict:
            # The page again, the person's text kept in its field (with theirs beside it after a
            # conflict: saving again keeps the person's text).
            pending = {"text": text, "error": error, "theirs": result, "version": result.version if result else base}
            return _render_detail(request, collaboration, status=409 if result else 400, pending={section.pk: pending})
        messages.success(request, _("Avsnittet är sparat."))
        return redirect(f"{reverse('projects:agreement', args=[collaboration.pk])}#sec-{section.pk}")
    context = {"collaboration": collaboration, "s": result.obj if result else section, "error": error, "result": result}
    response = render(request, "projects/agreements/agreement.html#section-meta", context)
    return versioned.with_state(response, result, error)


@login_required
@require_POST
@collaboration_required(perms.MANAGE)
def agreement_section_omit(request, collaboration, section_pk):
    section = _section(collaboration, section_pk)
    form = SectionOmitForm(request.POST)
    if section.agreement.state != Agreement.State.DRAFT:
        messages.error(request, _("Överenskommelsen är inte ett utkast."))
    elif form.is_valid():
        agreements.omit_section(section, user=request.user, reason=form.cleaned_data["omitted_reason"])
        messages.success(request, _("Sparat."))
    else:
        messages.error(request, form_errors(form))
    return redirect(f"{reverse('projects:agreement', args=[collaboration.pk])}#sec-{section.pk}")


@login_required
@require_POST
@collaboration_required(perms.MANAGE)
def agreement_freeze(request, collaboration):
    agreement = get_object_or_404(Agreement, pk=_posted_id(request, "agreement"), collaboration=collaboration)
    form = DecideByForm(request.POST)
    if not form.is_valid():  # the page again, with the date as typed and the error at its field
        return _render_detail(request, collaboration, freeze_form=form, status=400)
    try:
        version = agreements.freeze(agreement, user=request.user, decide_by=form.cleaned_data["decide_by"])
    except AgreementError as error:
        messages.error(request, str(error))
    except ValidationError as error:  # a party has not yet agreed to take part
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Version %(n)d är låst för beslut. Varje part registrerar nu sitt beslut.") % {"n": version.number},
        )
    return _to_agreement(request, collaboration)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.MANAGE)
def agreement_redraft(request, collaboration):
    """Say what a new draft does before it happens (decisions on the frozen version are withdrawn)."""
    agreement = _agreement(collaboration)
    if agreement is None or agreement.state == Agreement.State.DRAFT:
        return _to_agreement(request, collaboration)
    current = agreements.current_version(agreement)
    if request.method == "POST":
        withdrawn = agreements.new_draft(agreement, user=request.user)
        if withdrawn:
            messages.warning(
                request,
                _("Ett nytt utkast är startat. Besluten från %(parties)s är återkallade.")
                % {"parties": ", ".join(withdrawn)},
            )
        else:
            messages.success(request, _("Ett nytt utkast är startat."))
        return _to_agreement(request, collaboration)
    return render(
        request,
        "projects/agreements/agreement_redraft.html",
        {
            "collaboration": collaboration,
            "agreement": agreement,
            "current": current,
            "decisions": current.decisions.select_related("party__organisation") if current else [],
        },
    )


@login_required
@require_POST
@collaboration_required(perms.MANAGE)
def agreement_decide_by(request, collaboration):
    """The decision round's last day ("Beslut senast"), given, changed or removed while the version is
    for decision."""
    agreement = _agreement(collaboration)
    version = agreements.current_version(agreement) if agreement else None
    if version is None or version.status != AgreementVersion.Status.FOR_DECISION:
        messages.error(request, _("Ingen version väntar på beslut."))
        return _to_agreement(request, collaboration)
    form = DecideByForm(request.POST, current=version.decide_by)
    if not form.is_valid():  # the page again, with the date as typed and the error at its field
        return _render_detail(request, collaboration, decide_by_form=form, status=400)
    decide_by = form.cleaned_data["decide_by"]
    try:
        agreements.set_decide_by(version, user=request.user, decide_by=decide_by)
    except AgreementError as error:
        messages.error(request, str(error))
    else:
        if decide_by:
            date = formats.date_format(decide_by, "j F Y")
            messages.success(request, _("Beslut senast %(date)s är sparat.") % {"date": date})
        else:
            messages.success(request, _("Beslutet har ingen sista dag nu."))
    return redirect(f"{reverse('projects:agreement', args=[collaboration.pk])}#decision")


@login_required
@require_POST
@collaboration_required(perms.RECORD_DECISION)
def agreement_decide(request, collaboration):
    """A party's decision, recorded by one who may record it (permissions.RECORD_DECISION's rule)."""
    agreement = _agreement(collaboration)
    version = agreements.current_version(agreement) if agreement else None
    form = DecisionForm(request.POST)
    if not policy.user_has_permission(request.user, perms.RECORD_DECISION, collaboration, request.membership.party):
        raise PermissionDenied
    if version is None:
        messages.error(request, _("Det finns ingen version att besluta om."))
    elif form.is_valid():
        try:
            agreements.record_decision(version, party=request.membership.party, user=request.user, **form.cleaned_data)
        except AgreementError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Beslutet är registrerat."))
    else:  # the page again, with what was typed and the errors at their fields
        return _render_detail(request, collaboration, decision_form=form, status=400)
    return _to_agreement(request, collaboration)


@login_required
@require_POST
@collaboration_required(perms.RECORD_PARTY_DETAILS)
def agreement_record(request, collaboration):
    agreement = _agreement(collaboration)
    form = PartyRecordForm(request.POST)
    if agreement is None:
        return _to_agreement(request, collaboration)
    if form.is_valid():
        agreements.set_party_record(agreement, party=request.membership.party, **form.cleaned_data)
        messages.success(request, _("Uppgifterna för %(party)s är sparade.") % {"party": request.membership.party})
    else:
        messages.error(request, form_errors(form))
    return _to_agreement(request, collaboration)


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.VIEW)
def agreement_pdf(request, collaboration):
    """The current draft, or a frozen version (?version=N). A decided version's PDF is made once
    and kept; drafts are rendered on demand. A large agreement is rendered in the background while
    a page shows how it goes: a GET shows a button, its POST starts the rendering (no state change on
    GET)."""
    agreement = _agreement(collaboration)
    if agreement is None:
        return _to_agreement(request, collaboration)
    version = None
    if number := request.GET.get("version"):
        try:
            version = agreement.versions.get(number=int(number))
        except (ValueError, AgreementVersion.DoesNotExist):
            return _to_agreement(request, collaboration)
        name = f"{slugify(agreement.title)[:60]}-v{version.number}-{version.short_hash}.pdf"
        if version.pdf:
            return pdf.response(bytes(version.pdf), name)
        content = version.content
    else:
        name = f"{slugify(agreement.title)[:60]}-utkast.pdf"
        content = agreements.snapshot(agreement)
    if sum(len(section["text"]) for section in content["sections"]) > settings.PDF_BACKGROUND_CHARS:
        if request.method != "POST":
            return render(
                request,
                "projects/agreements/agreement_pdf_large.html",
                {"collaboration": collaboration, "agreement": agreement, "version": version, "filename": name},
            )
        export = agreements.request_pdf_export(agreement, user=request.user, version=version, filename=name)
        return redirect("projects:agreement_export", collaboration.pk, export.pk)
    if version is None:
        return pdf.response(pdf.render_pdf(content, draft=True), name)
    return pdf.response(agreements.version_pdf(version), name)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def agreement_docx(request, collaboration):
    """The draft, or a locked or decided version (?version=N), as a Word file: a copy to work in
    (projects/agreements/word.py)."""
    agreement = _agreement(collaboration)
    if agreement is None:
        return _to_agreement(request, collaboration)
    version, decisions = None, []
    if number := request.GET.get("version"):
        version = agreement.versions.filter(number=_as_id(number)).select_related("agreement__collaboration").first()
        if version is None:
            return _to_agreement(request, collaboration)
        content = version.content
        decisions = list(version.decisions.select_related("party__organisation"))
        name = f"{slugify(agreement.title)[:60]}-v{version.number}-{version.short_hash}.docx"
    else:
        content = agreements.snapshot(agreement)
        name = f"{slugify(agreement.title)[:60]}-utkast.docx"
    data = word.render(content, version=version, decisions=decisions, generated_at=timezone.localtime())
    return docx.response(data, name)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def agreement_export(request, collaboration, export_pk):
    """How a background PDF is going; the file itself with ?ladda-ner=1 when it is done."""
    export = get_object_or_404(PdfExport.objects.defer("pdf"), pk=export_pk, agreement__collaboration=collaboration)
    if request.GET.get("ladda-ner") and export.status == PdfExport.Status.DONE:
        data = PdfExport.objects.values_list("pdf", flat=True).get(pk=export.pk)
        return pdf.response(bytes(data), export.filename)
    context = {"collaboration": collaboration, "export": export}
    if request.htmx:
        return render(request, "projects/agreements/agreement_export.html#progress", context)
    return render(request, "projects/agreements/agreement_export.html", context)


# Sections, writing group, comments, history, comparison, print view -------------------------


@login_required
@require_POST
@collaboration_required(perms.MANAGE)
def agreement_sections(request, collaboration):
    """Coordinators add, rename, move and remove sections (one action per post)."""
    agreement = _agreement(collaboration)
    if agreement is None:
        return _to_agreement(request, collaboration)
    action = request.POST.get("action")
    title = " ".join(request.POST.get("title", "").replace("\x00", "").split())[:200]
    try:
        if action == "add":
            if not title:
                raise AgreementError(_("Ge det nya avsnittet en rubrik."))
            agreements.add_section(agreement, user=request.user, title=title)
        else:
            section = get_object_or_404(AgreementSection, pk=_posted_id(request, "section"), agreement=agreement)
            if action == "rename":
                if not title:
                    raise AgreementError(_("Rubriken kan inte vara tom."))
                agreements.rename_section(section, user=request.user, title=title)
            elif action in ("up", "down"):
                agreements.move_section(section, user=request.user, step=-1 if action == "up" else 1)
            elif action == "remove":
                agreements.remove_section(section, user=request.user)
            else:
                raise AgreementError(_("Okänd åtgärd."))
    except AgreementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Avsnitten är uppdaterade."))
    return redirect(f"{reverse('projects:agreement', args=[collaboration.pk])}#manage")


@login_required
@require_POST
@collaboration_required(perms.MANAGE)
def agreement_writers(request, collaboration):
    agreement = _agreement(collaboration)
    if agreement is None:
        return _to_agreement(request, collaboration)
    chosen = collaboration.memberships.filter(
        pk__in=[_as_id(value) for value in request.POST.getlist("writers")],
        role__in=policy.roles_for(perms.WRITE_SECTION),
    ).select_related("user")
    agreements.set_writers(agreement, user=request.user, memberships=list(chosen))
    messages.success(request, _("Skrivgruppen är sparad."))
    return redirect(f"{reverse('projects:agreement', args=[collaboration.pk])}#writers")


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.VIEW)
def agreement_section_comments(request, collaboration, section_pk):
    section = _section(collaboration, section_pk)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if not policy.user_has_permission(request.user, perms.COMMENT, collaboration):
            raise PermissionDenied
        if form.is_valid():
            agreements.add_comment(section, membership=request.membership, text=form.cleaned_data["text"])
            messages.success(request, _("Kommentaren är publicerad."))
            return redirect("projects:agreement_section_comments", collaboration.pk, section.pk)
    return render(
        request,
        "projects/agreements/agreement_section_comments.html",
        {
            "collaboration": collaboration,
            "section": section,
            "form": form,
            "comments": thread(AgreementComment, section=section),
            "can_comment": policy.user_has_permission(request.user, perms.COMMENT, collaboration),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def agreement_section_history(request, collaboration, section_pk):
    section = _section(collaboration, section_pk)
    return render(
        request,
        "projects/agreements/agreement_section_history.html",
        {
            "collaboration": collaboration,
            "section": section,
            "revisions": section.revisions.select_related("author"),
            "can_write": section.agreement.state == Agreement.State.DRAFT
            and policy.user_has_permission(
                request.user, perms.WRITE_SECTION, collaboration, section.agreement, ignore_archived=True
            ),
        },
    )


@login_required
@require_POST
@collaboration_required(perms.WRITE_SECTION)
def agreement_section_restore(request, collaboration, section_pk, revision_pk):
    section = _section(collaboration, section_pk)
    if not policy.user_has_permission(request.user, perms.WRITE_SECTION, collaboration, section.agreement):
        raise PermissionDenied
    revision = get_object_or_404(section.revisions, pk=revision_pk)
    try:
        result = versioned.restore(section, revision, agreements.save_section, section=section, user=request.user)
    except AgreementError as error:
        messages.error(request, str(error))
    else:
        if result.saved:
            messages.success(request, _("Version %(v)d är återställd som en ny version.") % {"v": revision.version})
        else:
            messages.info(request, _("Avsnittet har redan den texten."))
    return redirect("projects:agreement_section_history", collaboration.pk, section.pk)


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def agreement_compare(request, collaboration):
    """Two frozen versions (or a version and the current draft), section by section."""
    agreement = _agreement(collaboration)
    if agreement is None:
        return _to_agreement(request, collaboration)
    versions = list(agreement.versions.all())
    contents = {str(v.number): (_("Version %(n)d") % {"n": v.number}, v.content) for v in versions}
    contents["utkast"] = (_("Nuvarande utkast"), agreements.snapshot(agreement))
    older = request.GET.get("fran") or (str(versions[0].number) if versions else "utkast")
    newer = request.GET.get("till") or "utkast"
    if older not in contents or newer not in contents:
        older, newer = (str(versions[0].number) if versions else "utkast"), "utkast"
    return render(
        request,
        "projects/agreements/agreement_compare.html",
        {
            "collaboration": collaboration,
            "agreement": agreement,
            "choices": [(k, label) for k, (label, _c) in contents.items()],
            "older": older,
            "newer": newer,
            "older_label": contents[older][0],
            "newer_label": contents[newer][0],
            "sections": agreements.compare(contents[older][1], contents[newer][1]),
        },
    )


@login_required
@require_GET
@collaboration_required(perms.VIEW)
def agreement_print(request, collaboration):
    """The same document as the PDF, as an HTML page to read on any screen and to print from the
    browser, with a link back to the agreement. A version locked for decision or decided is shown as
    it was locked, with its decisions; a draft as it is now."""
    agreement = _agreement(collaboration)
    if agreement is None:
        return _to_agreement(request, collaboration)
    version = agreements.current_version(agreement) if agreement.state != Agreement.State.DRAFT else None
    decided = agreement.state == Agreement.State.DECIDED
    return render(
        request,
        "projects/agreements/agreement_pdf.html",
        {
            "c": version.content if version else agreements.snapshot(agreement),
            "version": version,
            "decisions": list(version.decisions.select_related("party__organisation")) if version else [],
            "draft": not decided,
            "static_base": settings.STATIC_URL if settings.STATIC_URL.startswith("/") else f"/{settings.STATIC_URL}",
            "generated_at": timezone.now(),
            "back_url": reverse("projects:agreement", args=[collaboration.pk]),
        },
    )
