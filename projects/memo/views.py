"""The official's decision memo (tjänsteskrivelse): the page with the official's form, and the memo
as Word and as PDF. Only the public party's writers (projects.memo.permissions.PREPARE, asked for the
person's own party)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from projects.common import docx, pdf
from projects.core.permissions import collaboration_required, policy
from projects.memo import documents
from projects.memo import permissions as perms
from projects.memo import services as memos
from projects.memo.forms import MemoForm


def _party(request, collaboration):
    """The person's party, when they may prepare its memo: a public party (403 otherwise; the decorator
    has asked the role level, and refuses an archived collaboration)."""
    party = request.membership.party
    if not policy.user_has_permission(request.user, perms.PREPARE, collaboration, party):
        raise PermissionDenied
    return party


def _filename(collaboration, memo, extension):
    stem = slugify(f"tjansteskrivelse {memo.record_number or collaboration.title}")[:80] or "tjansteskrivelse"
    return f"{stem}.{extension}"


@login_required
@require_http_methods(["GET", "POST"])
@collaboration_required(perms.PREPARE)
def memo(request, collaboration):
    party = _party(request, collaboration)
    stored = memos.memo_of(collaboration, party)
    status = 200
    if request.method == "POST":
        form = MemoForm(request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in memos.FIELDS}
            try:
                saved, changed = memos.save_memo(
                    collaboration, party, user=request.user, base_version=form.cleaned_data["version"], **values
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 409
            else:
                download = request.POST.get("download")
                if download in ("docx", "pdf"):
                    return redirect(f"projects:memo_{download}", collaboration.pk)
                messages.success(request, _("Tjänsteskrivelsen är sparad.") if changed else _("Inget var ändrat."))
                return redirect("projects:memo", collaboration.pk)
        else:
            status = 422 if request.htmx else 400
    else:
        form = MemoForm(
            initial={
                "committee": stored.committee,
                "record_number": stored.record_number,
                "official_name": stored.official_name or (request.user.get_full_name() if not stored.pk else ""),
                "official_title": stored.official_title,
                "proposal": stored.proposal,
                "version": stored.version,
            }
        )
    return render(
        request,
        "projects/memo/memo.html",
        {
            "collaboration": collaboration,
            "party": party,
            "memo": stored,
            "form": form,
            "default_proposal": memos.default_proposal(collaboration, stored.committee),
        },
        status=status,
    )


def _download(request, collaboration, kind):
    party = _party(request, collaboration)
    stored = memos.memo_of(collaboration, party)
    content = memos.content(collaboration, stored)
    if kind == "docx":
        return docx.response(documents.render_docx(content), _filename(collaboration, stored, kind))
    return pdf.response(documents.render_pdf(content), _filename(collaboration, stored, kind))


@login_required
@require_GET
@collaboration_required(perms.PREPARE)
def memo_docx(request, collaboration):
    return _download(request, collaboration, "docx")


@login_required
@require_GET
@collaboration_required(perms.PREPARE)
def memo_pdf(request, collaboration):
    return _download(request, collaboration, "pdf")
