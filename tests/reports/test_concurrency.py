"""Two requests at once (two coordinators saving the period, a double click on "Lämna in", the same
file uploaded twice): no year twice, one status move, one document. Real threads, PostgreSQL."""

from datetime import date

import pytest
from django.db import connection

from projects.reports import files
from projects.reports import services as reports
from projects.reports.models import Report, ReportDocument
from tests.factories import collaboration_with_people
from tests.guide_content import load_guides
from tests.notifications.test_concurrency import _run_twice_at_once
from tests.reports import samples

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once: PostgreSQL"),
]


@pytest.fixture
def period(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    load_guides()
    collaboration, users = collaboration_with_people()
    collaboration.start_date, collaboration.end_date = date(2026, 1, 1), date(2027, 12, 31)
    collaboration.save()
    return collaboration, users


def test_two_refreshes_at_once_make_each_year_once(period):
    collaboration, users = period
    _run_twice_at_once(lambda: reports.refresh_reports(collaboration, user=users["coordinator"]))
    assert list(Report.objects.filter(collaboration=collaboration).values_list("year", flat=True)) == [2026, 2027]


def test_the_same_file_twice_at_once_is_stored_once(period):
    collaboration, users = period
    reports.refresh_reports(collaboration)
    report = Report.objects.get(collaboration=collaboration, year=2026)
    membership = users["editor"].memberships.get()
    refused = []

    def upload():
        data = samples.upload("a.pdf", samples.pdf_bytes())
        try:
            reports.upload_document(
                report, membership=membership, kind="Verksamhetsberättelse", upload=data, checked=files.check(data)
            )
        except Exception as error:  # noqa: BLE001 - the second one is refused with a message
            refused.append(str(error))

    _run_twice_at_once(upload)
    assert ReportDocument.objects.filter(report=report).count() == 1
    assert len(refused) == 1 and "redan uppladdad" in refused[0]
