"""The yearly follow-up: the years from the period, uploads checked by content (never unpacked),
the statuses and who moves them, the reminders and the to-do items, the evaluation's summary."""

import zipfile
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from projects.core import services as core
from projects.core.models import Event
from projects.reports import files
from projects.reports import services as reports
from projects.reports.models import Report, ReportDocument
from tests.reports import samples

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    """The default storage in a temporary folder: nothing is written into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def period(people):
    collaboration, users = people
    collaboration.start_date, collaboration.end_date = date(2026, 1, 1), date(2028, 12, 31)
    core.update_collaboration(collaboration, user=users["coordinator"], changed_fields=["start_date", "end_date"])
    return collaboration, users


def url(name, collaboration, *args):
    return reverse(f"projects:{name}", args=[collaboration.pk, *args])


def login(client, users, role):
    client.force_login(users[role])
    return client


def post_file(client, collaboration, year, name, data, kind="Verksamhetsberättelse", content_type="application/pdf"):
    return client.post(
        url("report_upload", collaboration, year),
        {"kind": kind, "file": samples.upload(name, data, content_type)},
    )


# The years ----------------------------------------------------------------------------------------


def test_the_period_gives_one_report_a_year_due_30_april_after(period):
    collaboration, _users = period
    rows = list(Report.objects.filter(collaboration=collaboration).values_list("year", "due_date", "status"))
    assert rows == [
        (2026, date(2027, 4, 30), "waiting"),
        (2027, date(2028, 4, 30), "waiting"),
        (2028, date(2029, 4, 30), "waiting"),
    ]


def test_refresh_is_idempotent_and_removes_or_flags_years_outside(period):
    collaboration, users = period
    assert reports.refresh_reports(collaboration, user=users["coordinator"]) == ([], [], [])
    report_2028 = Report.objects.get(collaboration=collaboration, year=2028)
    membership = users["editor"].memberships.get()
    checked = files.check(samples.upload("a.pdf", samples.pdf_bytes()))
    reports.upload_document(
        report_2028,
        membership=membership,
        kind="Verksamhetsberättelse",
        upload=samples.upload("a.pdf", samples.pdf_bytes()),
        checked=checked,
    )
    collaboration.start_date, collaboration.end_date = date(2027, 1, 1), date(2027, 12, 31)
    core.update_collaboration(collaboration, user=users["coordinator"], changed_fields=["start_date", "end_date"])
    rows = dict(Report.objects.filter(collaboration=collaboration).values_list("year", "outside_period"))
    assert rows == {2027: False, 2028: True}  # 2026 had nothing: removed; 2028 has a document: kept, flagged
    collaboration.end_date = date(2028, 6, 30)
    core.update_collaboration(collaboration, user=users["coordinator"], changed_fields=["end_date"])
    assert dict(Report.objects.filter(collaboration=collaboration).values_list("year", "outside_period")) == {
        2027: False,
        2028: False,
    }
    assert Event.objects.filter(collaboration=collaboration, kind="report.plan").exists()


def test_no_period_no_reports(people):
    collaboration, users = people
    reports.refresh_reports(collaboration, user=users["coordinator"])
    assert not Report.objects.filter(collaboration=collaboration).exists()


# Uploads: checked by content -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "fmt"),
    [
        ("a.pdf", samples.pdf_bytes, "pdf"),
        ("b.docx", lambda: samples.ooxml_bytes("docx"), "docx"),
        ("c.xlsx", lambda: samples.ooxml_bytes("xlsx"), "xlsx"),
        ("d.odt", lambda: samples.odf_bytes("odt"), "odt"),
        ("e.ods", lambda: samples.odf_bytes("ods"), "ods"),
        ("named-wrong.txt", samples.pdf_bytes, "pdf"),  # the name does not matter, the content does
    ],
)
def test_accepted_formats_by_content(name, make, fmt):
    assert files.check(samples.upload(name, make(), "application/octet-stream")).format == fmt


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "tom"),
        (b"Hej, det h\xc3\xa4r \xc3\xa4r ingen PDF", "inte en PDF"),
        (b"%PDF-1.7\n garbage without an end", "trasig"),
        (b"%PDF-1.7\ntrailer << /Encrypt 5 0 R >>\n%%EOF\n", "lösenordsskyddad"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "lösenordsskyddad"),
        (b"PK\x03\x04 not really a zip", "trasig"),
    ],
)
def test_bad_files_are_refused_in_swedish(data, words):
    with pytest.raises(files.Refused, match=words):
        files.check(samples.upload("rapport.pdf", data))


def test_a_plain_zip_named_docx_is_refused():
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hej")
    with pytest.raises(files.Refused, match="ZIP-fil"):
        files.check(samples.upload("rapport.docx", buffer.getvalue()))


def test_a_docx_with_a_zip_inside_is_refused():
    data = samples.ooxml_bytes(extra=[("word/embeddings/inside.zip", samples.ooxml_bytes())])
    with pytest.raises(files.Refused, match="annat arkiv"):
        files.check(samples.upload("rapport.docx", data))


def test_too_many_entries_is_refused():
    with pytest.raises(files.Refused, match="zip-bomb"):
        files.check(samples.upload("rapport.docx", samples.many_entries()))


def test_a_zip_bomb_is_refused_and_never_unpacked():
    data, good = samples.docx_bomb(200), samples.ooxml_bytes()
    assert len(data) < 1024 * 1024  # 200 MB of zeros in well under a megabyte
    opened = []
    real_open = zipfile.ZipFile.open

    def watch_open(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    refuse = mock.Mock(side_effect=AssertionError("unpacked"))
    with (
        mock.patch.object(zipfile.ZipFile, "open", watch_open),
        mock.patch.object(zipfile.ZipFile, "extract", refuse),
        mock.patch.object(zipfile.ZipFile, "extractall", refuse),
        mock.patch.object(zipfile.ZipFile, "read", refuse),
    ):
        with pytest.raises(files.Refused, match="zip-bomb"):
            files.check(samples.upload("rapport.docx", data))
        # A good DOCX: only [Content_Types].xml is opened, and only a bounded part of it is read.
        assert files.check(samples.upload("ok.docx", good)).format == "docx"
    assert samples.BOMB_ENTRY not in opened
    assert opened == ["[Content_Types].xml"]
    refuse.assert_not_called()


def test_a_smaller_bomb_is_refused_by_its_ratio():
    with pytest.raises(files.Refused, match="zip-bomb"):
        files.check(samples.upload("rapport.docx", samples.docx_bomb(30)))


# Uploads through the page ------------------------------------------------------------------------


def test_the_reporting_party_uploads_and_downloads_through_the_view(client, period, _storage):
    collaboration, users = period
    login(client, users, "editor")
    response = post_file(client, collaboration, 2026, "Verksamhetsberättelse 2026.pdf", samples.pdf_bytes())
    assert response.status_code == 302
    document = ReportDocument.objects.get()
    assert document.original_name == "Verksamhetsberättelse 2026.pdf"
    assert "Verksamhet" not in document.file.name  # a random path, not the person's name
    assert default_storage.exists(document.file.name)
    assert str(_storage) in default_storage.path(document.file.name)
    response = client.get(url("report_document_download", collaboration, 2026, document.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == samples.pdf_bytes()
    assert Event.objects.filter(collaboration=collaboration, kind="report.uploaded").exists()


def test_the_same_file_twice_is_refused_with_the_first_ones_name_and_date(client, period):
    collaboration, users = period
    login(client, users, "editor")
    post_file(client, collaboration, 2026, "första.pdf", samples.pdf_bytes())
    response = post_file(client, collaboration, 2026, "andra.pdf", samples.pdf_bytes(), kind="Revisionsberättelse")
    assert response.status_code == 400
    today = timezone.localdate()
    months = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ]
    expected = f"Den här filen är redan uppladdad: första.pdf, {today.day} {months[today.month - 1]} {today.year}."
    assert expected in response.content.decode()
    assert 'value="Revisionsberättelse" selected' in response.content.decode()  # the rest of the form kept
    assert ReportDocument.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("rapport.pdf", b"inte en pdf", "Filen är inte en PDF"),
        ("tom.pdf", b"", "Filen är tom"),
    ],
)
def test_a_bad_upload_says_why_and_keeps_the_choice(client, period, name, data, message):
    collaboration, users = period
    login(client, users, "editor")
    response = post_file(client, collaboration, 2026, name, data, kind="Ekonomisk redovisning")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'id="error-summary"' in html
    assert 'value="Ekonomisk redovisning" selected' in html
    assert not ReportDocument.objects.exists()


def test_a_file_over_20_mb_is_stopped_while_it_arrives(client, period, settings):
    collaboration, users = period
    settings.FILE_UPLOAD_MAX_BYTES = 1024 * 1024  # the handler's limit, smaller for a quick test
    login(client, users, "editor")
    response = post_file(client, collaboration, 2026, "stor.pdf", samples.pdf_bytes() + bytes(2 * 1024 * 1024))
    assert response.status_code == 400
    assert "Filen är större än 20 MB" in response.content.decode()
    assert not ReportDocument.objects.exists()


def test_over_20_mb_is_refused_by_the_check_too():
    big = samples.upload("stor.pdf", b"%PDF-1.7\n" + bytes(files.MAX_BYTES) + b"%%EOF")
    with pytest.raises(files.Refused, match="20 MB"):
        files.check(big)


# Statuses and who moves them -----------------------------------------------------------------------


def _upload_all(collaboration, users, year=2026):
    report = Report.objects.get(collaboration=collaboration, year=year)
    membership = users["editor"].memberships.get()
    for i, kind in enumerate(reports.agreed_documents(collaboration)):
        data = samples.pdf_bytes(f"{kind} {i}")
        reports.upload_document(
            report,
            membership=membership,
            kind=kind,
            upload=samples.upload(f"{i}.pdf", data),
            checked=files.check(samples.upload(f"{i}.pdf", data)),
        )
    return report


def test_submit_needs_every_agreed_document(client, period):
    collaboration, users = period
    login(client, users, "editor")
    post_file(client, collaboration, 2026, "a.pdf", samples.pdf_bytes())
    response = client.post(url("report_submit", collaboration, 2026), follow=True)
    assert "Ladda upp det som saknas: Ekonomisk redovisning, Revisionsberättelse" in response.content.decode()
    assert Report.objects.get(collaboration=collaboration, year=2026).status == "waiting"


def test_the_whole_round(client, period):
    collaboration, users = period
    _upload_all(collaboration, users)
    editor = login(client, users, "editor")
    assert editor.post(url("report_submit", collaboration, 2026)).status_code == 302
    report = Report.objects.get(collaboration=collaboration, year=2026)
    assert report.status == "submitted" and report.submitted_by == users["editor"]
    # The civil-society editor may not review their own report; the public coordinator may.
    assert editor.post(url("report_review", collaboration, 2026)).status_code == 403
    # Documents are frozen once submitted.
    document = report.documents.first()
    editor.post(url("report_document_delete", collaboration, 2026, document.pk))
    assert ReportDocument.objects.filter(pk=document.pk).exists()
    coordinator = login(client, users, "coordinator")
    response = coordinator.post(url("report_send_back", collaboration, 2026), {"text": ""})
    assert response.status_code == 400
    assert "Skriv vad som behöver ändras" in response.content.decode()
    coordinator.post(url("report_send_back", collaboration, 2026), {"text": "Revisionsberättelsen saknar underskrift."})
    report.refresh_from_db()
    assert report.status == "waiting" and report.sent_back_at
    assert report.comments.get().sent_back
    editor = login(client, users, "editor")
    editor.post(url("report_submit", collaboration, 2026))
    coordinator = login(client, users, "coordinator")
    assert coordinator.post(url("report_approve", collaboration, 2026)).status_code == 302
    assert Report.objects.get(pk=report.pk).status == "submitted"  # approving needs a review first
    coordinator.post(url("report_review", collaboration, 2026), {"text": "Bra år."})
    coordinator.post(url("report_approve", collaboration, 2026))
    report.refresh_from_db()
    assert report.status == "approved" and report.approved_by == users["coordinator"]
    kinds = list(
        Event.objects.filter(collaboration=collaboration, kind="report.status")
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert kinds == ["Inlämnad", "Skickad tillbaka", "Inlämnad", "Granskad", "Godkänd"]


def test_a_service_refuses_a_move_from_the_wrong_status(period):
    collaboration, users = period
    report = Report.objects.get(collaboration=collaboration, year=2026)
    with pytest.raises(ValidationError):
        reports.approve(report, membership=users["coordinator"].memberships.get())


def test_the_public_party_cannot_upload(client, period):
    collaboration, users = period
    login(client, users, "coordinator")
    assert post_file(client, collaboration, 2026, "a.pdf", samples.pdf_bytes()).status_code == 403


def test_a_year_outside_the_url_range_is_404(client, period):
    collaboration, users = period
    login(client, users, "reader")
    assert client.get(url("report_detail", collaboration, 1999)).status_code == 404
    assert client.get(url("report_detail", collaboration, 99999999999)).status_code == 404


def test_coordinators_change_the_documents_and_the_due_date(client, period):
    collaboration, users = period
    login(client, users, "coordinator")
    response = client.post(
        url("report_documents", collaboration), {"documents": "Verksamhetsberättelse\n\nverksamhetsberättelse"}
    )
    assert response.status_code == 400 and "står två gånger" in response.content.decode()
    client.post(url("report_documents", collaboration), {"documents": "Verksamhetsberättelse\r\nEkonomisk redovisning"})
    assert reports.agreed_documents(collaboration) == ["Verksamhetsberättelse", "Ekonomisk redovisning"]
    later = timezone.localdate() + timedelta(days=400)
    client.post(url("report_due", collaboration, 2027), {"date": later.isoformat()})
    assert Report.objects.get(collaboration=collaboration, year=2027).due_date == later
    response = client.post(url("report_due", collaboration, 2027), {"date": ""})
    assert response.status_code == 400 and "Ange ett datum" in response.content.decode()


def test_the_year_page_shows_the_years_measurements_and_meeting(client, period):
    from tests.factories import IndicatorFactory, MeasurementFactory, MeetingFactory

    collaboration, users = period
    from tests.factories import GoalFactory

    goal = GoalFactory(collaboration=collaboration)
    indicator = IndicatorFactory(
        goal=goal, name="Deltagare per vecka", baseline_date=date(2025, 1, 1), target_date=date(2029, 1, 1)
    )
    MeasurementFactory(indicator=indicator, value=12, measured_on=date(2026, 5, 1))
    MeasurementFactory(indicator=indicator, value=19, measured_on=date(2027, 5, 1))
    meeting = MeetingFactory(collaboration=collaboration, title="Årsgenomgång 2026")
    login(client, users, "coordinator")
    response = client.get(url("report_detail", collaboration, 2026))
    html = response.content.decode()
    assert "Deltagare per vecka" in html and "2026-05-01" in html and "2027-05-01" not in html
    assert "Årets budget" in html
    if meeting.starts_at.year in (2026, 2027):
        client.post(url("report_meeting", collaboration, 2026), {"meeting": meeting.pk})
        assert Report.objects.get(collaboration=collaboration, year=2026).review_meeting == meeting


# Reminders, to-do items, the calendar ----------------------------------------------------------------


def test_reminder_before_the_due_date_to_the_reporting_party(period, mailoutbox):
    from projects.notifications.deadlines import send_deadline_reminders
    from projects.notifications.models import Notice

    collaboration, users = period
    report = Report.objects.get(collaboration=collaboration, year=2026)
    send_deadline_reminders(report.due_date - timedelta(days=7))
    recipients = set(
        Notice.objects.filter(key__startswith=f"deadline:report:{report.pk}:").values_list("user__email", flat=True)
    )
    assert recipients == {users["editor"].email}
    assert send_deadline_reminders(report.due_date - timedelta(days=7)) == 0  # once


def test_to_do_items_follow_the_status(period):
    from projects.todo.queries import waiting_for

    collaboration, users = period
    report = _upload_all(collaboration, users)
    day = date(2027, 3, 1)

    def texts(user):
        items = waiting_for(user, collaboration, today=day).items
        return [i.text for i in items if "rsrapport" in i.text]

    assert texts(users["editor"]) == ["Lämna in årsrapport 2026"]
    assert texts(users["coordinator"]) == []
    reports.submit(report, user=users["editor"])
    assert texts(users["editor"]) == []
    assert texts(users["coordinator"]) == ["Granska årsrapport 2026"]
    reports.send_back(report, membership=users["coordinator"].memberships.get(), text="Saknar underskrift.")
    assert texts(users["editor"]) == ["Årsrapport 2026 är skickad tillbaka: se kommentaren och lämna in igen"]
    assert texts(users["reader"]) == []


def test_the_calendar_has_the_due_dates(period):
    from projects.meetings.services import calendar_deadlines

    collaboration, _users = period
    days = [d.day for d in calendar_deadlines(collaboration, []) if d.kind == "report"]
    assert days == [date(2027, 4, 30), date(2028, 4, 30), date(2029, 4, 30)]


def test_the_evaluation_summarises_the_years(client, period):
    collaboration, users = period
    report = _upload_all(collaboration, users)
    reports.submit(report, user=users["editor"])
    login(client, users, "reader")
    html = client.get(url("evaluation", collaboration)).content.decode()
    assert "Årsrapporter" in html and "Inlämnad" in html
    from projects.evaluation import services as evaluation

    assert "Årsrapporter" in evaluation.appendix_html(collaboration)


def test_file_storage_s3_switches_the_default_storage():
    """FILE_STORAGE=s3 puts the documents in S3-compatible storage (django-storages, the "s3" extra)."""
    import os
    import subprocess
    import sys

    code = (
        "import json, samverkan.settings as s; d = s.STORAGES['default']; "
        "print(json.dumps([d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['endpoint_url']]))"
    )
    env = os.environ | {
        "FILE_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "samverkan-dokument",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.se",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == '["storages.backends.s3.S3Storage", "samverkan-dokument", "https://s3.example.se"]'


def test_the_year_page_shows_the_years_budget_per_party_and_links_to_the_year(client, period):
    """The year's planned and actual figures come from the budget (projects.budget.queries.year_summary)."""
    from decimal import Decimal

    from projects.budget import services as budget

    collaboration, users = period
    party = collaboration.parties.select_related("organisation").first()
    line = {"party": party, "kind": "pengar", "description": "Bidrag", "planned_hours": None, "hourly_value": None}
    line |= {"actual_hours": None}
    budget.save_line(
        collaboration,
        user=users["coordinator"],
        values=line | {"year": 2026, "planned_amount": Decimal("125000"), "actual_amount": Decimal("118500.50")},
    )
    budget.save_line(
        collaboration,
        user=users["coordinator"],
        values=line | {"year": 2027, "planned_amount": Decimal("999"), "actual_amount": None},
    )
    login(client, users, "reader")
    html = client.get(url("report_detail", collaboration, 2026)).content.decode()
    assert "125\u00a0000" in html and "118\u00a0500,50" in html
    assert "999" not in html  # 2027's line is not 2026's
    assert f"{reverse('projects:budget', args=[collaboration.pk])}?ar=2026" in html
    html_2028 = client.get(url("report_detail", collaboration, 2028)).content.decode()
    assert "Budgeten har inga rader för 2028." in html_2028
