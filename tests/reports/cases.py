"""Permission-matrix cases for the yearly follow-up (merged into tests/test_permission_matrix.py).

In the matrix's collaboration the coordinator (Anna) is of the municipality, a public party, and the
editor and the reader (Bo, Cecilia) of the association, the reporting party. Every member reads the
reports and downloads their documents; the association's writers upload, remove and submit; the
municipality's writers review, approve and send back; coordinators set the dates, the documents,
the years and the review meeting; every writer comments.

The reports are made here (the matrix's collaboration has no period): 2024 reviewed, 2025 submitted,
2026 waiting with every agreed document, 2027 waiting and empty."""

from datetime import date, datetime, timedelta

from tests.matrix import EDIT, LOGIN, MANAGE, MEMBERS_VIEW, OK, Case, pk

# Upload, remove and submit: the reporting party's writers (the editor), not the public coordinator.
REPORTING = {"anonymous": LOGIN, "outsider": 404, "reader": 403, "editor": OK, "coordinator": 403}
# Review, approve and send back: the public party's writers (the coordinator), not the association's.
REVIEWING = {"anonymous": LOGIN, "outsider": 404, "reader": 403, "editor": 403, "coordinator": OK}


class ReplayFile:
    """A file for the test client that can be posted by every role (read() gives it all each time)."""

    def __init__(self, name, data, content_type="application/pdf"):
        self.name, self.data, self.content_type = name, data, content_type

    def read(self, *args):
        return self.data


def _world(ctx):
    if "report_world" not in ctx:
        from django.utils import timezone

        from projects.reports import files
        from projects.reports import services as reports
        from projects.reports.models import Report
        from tests.factories import MeetingFactory
        from tests.reports import samples

        collaboration = ctx["collaboration"]
        made = {
            year: Report.objects.create(collaboration=collaboration, year=year, due_date=date(year + 1, 4, 30))
            for year in (2024, 2025, 2026, 2027)
        }
        editor = ctx["users"]["editor"].memberships.get()
        for year in (2024, 2025, 2026):
            for i, kind in enumerate(reports.agreed_documents(collaboration)):
                data = samples.pdf_bytes(f"{year} {kind} {i}")
                upload = samples.upload(f"{year}-{i}.pdf", data)
                reports.upload_document(
                    made[year], membership=editor, kind=kind, upload=upload, checked=files.check(upload)
                )
        now = timezone.now()
        Report.objects.filter(pk=made[2025].pk).update(status=Report.Status.SUBMITTED, submitted_at=now)
        Report.objects.filter(pk=made[2024].pk).update(status=Report.Status.REVIEWED, reviewed_at=now)
        start = timezone.make_aware(datetime(2026, 6, 1, 17, 0))
        meeting = MeetingFactory(collaboration=collaboration, title="Årsgenomgång", starts_at=start)
        ctx["report_world"] = {"reports": made, "meeting": meeting, "document": made[2026].documents.first()}
    return ctx["report_world"]


def year_kwargs(year):
    def kwargs(ctx):
        _world(ctx)
        return pk(ctx) | {"year": year}

    return kwargs


def document_kwargs(ctx):
    world = _world(ctx)
    return pk(ctx) | {"year": 2026, "document_pk": world["document"].pk}


def _reports(ctx):
    from projects.reports.models import Report

    rows = Report.objects.filter(collaboration=ctx["collaboration"]).order_by("year")
    return list(rows.values_list("year", "status", "due_date", "outside_period", "review_meeting_id"))


def _documents(ctx):
    from projects.reports.models import ReportDocument

    rows = ReportDocument.objects.filter(report__collaboration=ctx["collaboration"]).order_by("pk")
    return list(rows.values_list("pk", "sha256"))


def _plan(ctx):
    from projects.reports.models import ReportPlan

    return list(ReportPlan.objects.filter(collaboration=ctx["collaboration"]).values_list("documents", flat=True))


def _comments(ctx):
    from projects.reports.models import ReportComment

    return list(ReportComment.objects.filter(report__collaboration=ctx["collaboration"]).values_list("pk", "text"))


def _upload(ctx):
    from tests.reports import samples

    return {"kind": "Verksamhetsberättelse", "file": ReplayFile("ny.pdf", samples.pdf_bytes("ny"))}


def _future(ctx):
    from django.utils import timezone

    return {"date": (timezone.localdate() + timedelta(days=200)).isoformat()}


CASES = {
    "projects:reports": Case(kwargs=lambda ctx: (_world(ctx), pk(ctx))[1], expect=MEMBERS_VIEW, perm="reports.view"),
    # Without a period, the years without documents go and those with documents stay, flagged.
    "projects:report_refresh": Case(
        kwargs=lambda ctx: (_world(ctx), pk(ctx))[1],
        method="post",
        expect=MANAGE,
        effect=_reports,
        perm="reports.manage",
    ),
    "projects:report_documents": Case(
        kwargs=pk,
        method="post",
        data=lambda ctx: {"documents": "Verksamhetsberättelse\nEkonomisk redovisning"},
        expect=MANAGE,
        effect=_plan,
        perm="reports.manage",
    ),
    "projects:report_detail": Case(kwargs=year_kwargs(2026), expect=MEMBERS_VIEW, perm="reports.view"),
    # Its instance rule: a writer of a reporting (civil-society) party.
    "projects:report_upload": Case(
        kwargs=year_kwargs(2027),
        method="post",
        data=_upload,
        expect=REPORTING,
        effect=_documents,
        perm="reports.upload",
        role_check=False,
    ),
    "projects:report_document_download": Case(kwargs=document_kwargs, expect=MEMBERS_VIEW, perm="reports.view"),
    "projects:report_document_delete": Case(
        kwargs=document_kwargs,
        method="post",
        expect=REPORTING,
        effect=_documents,
        perm="reports.upload",
        role_check=False,
    ),
    "projects:report_submit": Case(
        kwargs=year_kwargs(2026),
        method="post",
        expect=REPORTING,
        effect=_reports,
        perm="reports.upload",
        role_check=False,
    ),
    # Its instance rule: a writer of a public party.
    "projects:report_review": Case(
        kwargs=year_kwargs(2025),
        method="post",
        expect=REVIEWING,
        effect=_reports,
        perm="reports.review",
        role_check=False,
    ),
    "projects:report_approve": Case(
        kwargs=year_kwargs(2024),
        method="post",
        expect=REVIEWING,
        effect=_reports,
        perm="reports.review",
        role_check=False,
    ),
    "projects:report_send_back": Case(
        kwargs=year_kwargs(2025),
        method="post",
        data=lambda ctx: {"text": "Revisionsberättelsen saknar underskrift."},
        expect=REVIEWING,
        effect=_reports,
        perm="reports.review",
        role_check=False,
    ),
    "projects:report_comment": Case(
        kwargs=year_kwargs(2026),
        method="post",
        data=lambda ctx: {"text": "Bra år!"},
        expect=EDIT,
        effect=_comments,
        perm="reports.comment",
    ),
    "projects:report_due": Case(
        kwargs=year_kwargs(2027), method="post", data=_future, expect=MANAGE, effect=_reports, perm="reports.manage"
    ),
    "projects:report_meeting": Case(
        kwargs=year_kwargs(2026),
        method="post",
        data=lambda ctx: {"meeting": _world(ctx)["meeting"].pk},
        expect=MANAGE,
        effect=_reports,
        perm="reports.manage",
    ),
}
