"""The decided agreement as a record: the archival PDF (PDF/A-2a + PDF/UA-1) read back with pikepdf, the
seal (pyHanko) made and verified, the check page's answers, and the seal certificate in check_deployment."""

import hashlib
import io
import logging
import subprocess
from types import SimpleNamespace

import pikepdf
import pytest
from django.urls import reverse
from django.utils import timezone

from projects.agreements import services as agreements
from projects.agreements.models import Agreement
from projects.checklists import services as checklists
from projects.core.models import Event
from projects.records import seal
from projects.records import services as records
from projects.records.forms import CHECKS_PER_HOUR
from projects.records.models import SEAL_FAILED, SealedRecord
from samverkan import deployment_checks as dc
from tests.records.certs import issued_seal, local_timestamper

pytestmark = pytest.mark.django_db

ODD = "Łódź – ✓ 中文 😀 <script>&"
CHECK = reverse("projects:document_check")


def decide(collaboration, users, *, text="Texten i avsnittet.", reference="§ 1"):
    checklists.ensure_default_sections(collaboration)
    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    agreement.sections.update(text=text)
    version = agreements.freeze(agreement, user=users["coordinator"])
    for user in (users["coordinator"], users["editor"]):
        agreements.record_decision(
            version, party=user.memberships.get().party, user=user, approved=True, body="Styrelsen",
            decided_on=timezone.localdate(), reference=reference,
        )  # fmt: skip
    agreement.refresh_from_db()
    assert agreement.state == Agreement.State.DECIDED
    version.refresh_from_db()
    return version


@pytest.fixture
def decided(people, test_seal):
    collaboration, users = people
    version = decide(collaboration, users)
    record = records.seal_version(version)
    version.refresh_from_db()
    return version, record


# -- the archival PDF --------------------------------------------------------------------------------------


def _fonts(document):
    for page in document.pages:
        fonts = page.obj.Resources.get("/Font", {})
        for _name, font in fonts.items():
            yield font


def test_the_archival_pdf_reads_back_as_pdf_a_2a_and_pdf_ua_1(decided):
    version, record = decided
    meta = pikepdf.open(io.BytesIO(bytes(record.pdf))).open_metadata()
    assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "A"
    assert meta["pdfuaid:part"] == "1"
    assert meta["dc:identifier"] == f"urn:sha256:{version.content_hash}"
    assert "sv" in meta["dc:language"]
    assert meta["dc:title"] == version.content["title"]
    with pikepdf.open(io.BytesIO(bytes(record.pdf))) as document:
        root = document.Root
        intent = root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3  # sRGB
        assert root.MarkInfo.Marked is True and str(root.Lang) == "sv"
        assert "/StructTreeRoot" in root and len(root.StructTreeRoot.K) >= 1
        assert root.ViewerPreferences.DisplayDocTitle is True
        fonts = list(_fonts(document))
        assert fonts
        for font in fonts:  # every font embedded (Type 0 fonts through their descendant)
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font
        fields = root.AcroForm.Fields
        assert len(fields) == 1 and fields[0].FT == "/Sig" and fields[0].F & 4 and not fields[0].F & 2  # printed
        forms = [e for e in root.StructTreeRoot.K[0].K if isinstance(e, pikepdf.Dictionary) and e.get("/S") == "/Form"]
        assert forms and forms[0].K.Obj.objgen == fields[0].objgen  # the seal's widget is tagged (PDF/UA)
        assert "/TU" in fields[0] and "/Alt" in forms[0]
        assert not document.check_pdf_syntax()  # qpdf finds nothing wrong
        raw = document.Root.Metadata.read_bytes()
        assert b"pdfaExtension:schemas" in raw and b"http://www.aiim.org/pdfua/ns/id/" in raw  # described


def test_no_external_reference_is_fetched(decided, caplog):
    version, record = decided
    assert b"/URI" not in bytes(record.pdf) or b"samverkan.invalid" not in bytes(record.pdf)
    assert "refused to fetch" not in caplog.text


def test_drafts_stay_pdf_ua_only(people):
    collaboration, users = people
    checklists.ensure_default_sections(collaboration)
    agreement = agreements.create_agreement(collaboration, user=users["coordinator"])
    agreement.sections.update(text="Texten.")
    version = agreements.freeze(agreement, user=users["coordinator"])
    meta = pikepdf.open(io.BytesIO(agreements.version_pdf(version))).open_metadata()
    assert meta.get("pdfaid:part") is None and meta["pdfuaid:part"] == "1"
    assert not SealedRecord.objects.exists()


def test_text_outside_latin_1_in_every_field_reaches_the_archival_pdf(people, test_seal):
    collaboration, users = people
    collaboration.name = f"Samverkan {ODD}"
    collaboration.save()
    for party in collaboration.parties.select_related("organisation"):
        party.organisation.name = f"{party.organisation.name} {ODD}"
        party.organisation.save()
    version = decide(collaboration, users, text=f"Avsnitt {ODD}", reference=f"§ 1 {ODD}")
    record = records.seal_version(version)
    assert record.state == SealedRecord.State.TEST_SEAL
    text = subprocess.run(["pdftotext", "-", "-"], input=bytes(record.pdf), capture_output=True, check=True).stdout
    text = text.decode()
    for piece in ("Łódź", "✓", "<script>&"):
        assert text.count(piece) >= 3, piece  # the sections, the parties, the references
    assert "§ 1 Łódź – ✓" in text
    meta = pikepdf.open(io.BytesIO(bytes(record.pdf))).open_metadata()
    assert ODD in meta["dc:creator"][0]  # the parties, as the author


# -- the seal ---------------------------------------------------------------------------------------------


def test_the_seal_is_valid_and_ours(decided):
    version, record = decided
    assert record.state == SealedRecord.State.TEST_SEAL and record.certificate_sha256
    result = seal.check(bytes(record.pdf), record.certificate_sha256)
    assert result.intact and result.ours and not result.timestamped
    assert bytes(version.pdf) == bytes(record.pdf)  # every download of the decided version is the sealed file
    assert record.sha256 == hashlib.sha256(bytes(record.pdf)).hexdigest()


def test_a_seal_by_another_certificate_is_not_ours(decided):
    version, record = decided
    assert not seal.check(bytes(record.pdf), "0" * 64).ours


def test_sealing_again_keeps_the_seal(decided):
    version, record = decided
    assert records.seal_version(version).sha256 == record.sha256


def test_a_failed_seal_is_kept_unsealed_logged_and_said(people, settings, tmp_path, caplog, client):
    collaboration, users = people
    settings.SEAL_PKCS12_PATH = str(tmp_path / "missing.p12")
    version = decide(collaboration, users)
    with caplog.at_level(logging.ERROR):
        record = records.seal_version(version)
    assert record.state == SealedRecord.State.UNSEALED and "missing.p12" in record.error
    assert "kept UNSEALED" in caplog.text
    assert Event.objects.filter(collaboration=collaboration, kind=SEAL_FAILED).exists()
    client.force_login(users["coordinator"])
    page = client.get(reverse("projects:agreement", args=[collaboration.pk])).content.decode()
    assert "saknar sigill" in page and CHECK in page
    # once the certificate is there, sealing again replaces the unsealed file
    from projects.records import testseal

    testseal.make(settings.SEAL_PKCS12_PATH, settings.SEAL_PKCS12_PASSWORD)
    assert records.seal_version(version).state == SealedRecord.State.TEST_SEAL


def test_seal_decided_seals_what_was_left_unsealed(people, settings, tmp_path, test_seal):
    from io import StringIO

    from django.core.management import call_command

    collaboration, users = people
    version = decide(collaboration, users)  # decided before the seal (no record), as in older data
    out = StringIO()
    call_command("seal_decided", stdout=out)
    assert "Sealed 0, with the test seal 1, still unsealed 0" in out.getvalue()
    assert SealedRecord.objects.get(version=version).sealed
    call_command("seal_decided", stdout=out)  # nothing left
    assert SealedRecord.objects.count() == 1


def test_an_expired_certificate_does_not_seal(people, settings, tmp_path):
    collaboration, users = people
    settings.SEAL_PKCS12_PATH = str(issued_seal(tmp_path / "old.p12", "pw", expired=True))
    settings.SEAL_PKCS12_PASSWORD = "pw"
    record = records.seal_version(decide(collaboration, users))
    assert record.state == SealedRecord.State.UNSEALED and "expired" in record.error


def test_an_issued_certificate_seals_for_real_and_a_timestamper_is_used_when_configured(
    people, settings, tmp_path, monkeypatch
):
    collaboration, users = people
    settings.SEAL_PKCS12_PATH = str(issued_seal(tmp_path / "seal.p12", "pw"))
    settings.SEAL_PKCS12_PASSWORD = "pw"
    settings.TSA_URL = "https://tsa.example.invalid/"
    stamper = seal.timestamper()
    assert stamper.url == settings.TSA_URL  # never reached: the test replaces it below
    monkeypatch.setattr(seal, "timestamper", local_timestamper)  # pyHanko's own, in-process
    record = records.seal_version(decide(collaboration, users))
    assert record.state == SealedRecord.State.SEALED and "Kommunens e-sigill" in record.certificate_subject
    assert record.timestamped
    result = seal.check(bytes(record.pdf), record.certificate_sha256)
    assert result.intact and result.ours and result.timestamped


def test_the_decided_page_says_test_seal_and_links_the_check(client, people, test_seal):
    collaboration, users = people
    records.seal_version(decide(collaboration, users))
    client.force_login(users["coordinator"])
    page = client.get(reverse("projects:agreement", args=[collaboration.pk])).content.decode()
    assert "testsigill" in page and "Kontrollera en fil" in page and CHECK in page


def test_the_last_decision_seals_through_the_task(people, test_seal, django_capture_on_commit_callbacks):
    collaboration, users = people
    with django_capture_on_commit_callbacks(execute=True):
        version = decide(collaboration, users)
    assert SealedRecord.objects.get(version=version).state == SealedRecord.State.TEST_SEAL


# -- the check page ---------------------------------------------------------------------------------------


def upload(client, data, name="avtal.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(CHECK, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


NEUTRAL = "Vi kan inte bekräfta filen"


def test_the_sealed_file_is_confirmed_with_its_facts(client, decided):
    version, record = decided
    response = upload(client, bytes(record.pdf))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Filen är en oförändrad beslutad version" in page
    assert version.content["title"] in page and "Styrelsen" in page and "§ 1" in page
    assert "Sigillet är helt" in page and "testsigill" in page


def test_one_changed_byte_is_refused_with_the_neutral_answer(client, decided):
    version, record = decided
    data = bytearray(bytes(record.pdf))
    data[len(data) // 2] ^= 0x01
    page = upload(client, bytes(data)).content.decode()
    assert NEUTRAL in page and version.content["title"] not in page and "Styrelsen" not in page


def test_an_unknown_pdf_gets_the_same_neutral_answer(client, decided):
    version, record = decided
    other = pikepdf.new()
    other.add_blank_page()
    out = io.BytesIO()
    other.save(out)
    page = upload(client, out.getvalue()).content.decode()
    assert NEUTRAL in page and version.content["title"] not in page


@pytest.mark.parametrize(
    "data, message",
    [
        (b"Hej, det h\xc3\xa4r \xc3\xa4r ingen PDF.", "Filen är inte en PDF-fil"),
        (b"%PDF-1.7\n" + b"\x00\xff garbage " * 50, "Filen går inte att läsa som PDF"),
        (b"", "Filen är tom"),
    ],
)
def test_what_is_not_a_readable_pdf_is_refused_in_swedish(client, data, message):
    response = upload(client, data)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_an_encrypted_pdf_is_refused(client):
    document = pikepdf.new()
    document.add_blank_page()
    out = io.BytesIO()
    document.save(out, encryption=pikepdf.Encryption(user="hemligt", owner="hemligt"))
    response = upload(client, out.getvalue())
    assert response.status_code == 422 and "krypterad" in response.content.decode()


def test_an_oversize_file_is_refused(client, monkeypatch):
    from projects.records import forms

    monkeypatch.setattr(forms, "MAX_BYTES", 1000)
    response = upload(client, b"%PDF-1.7\n" + b"0" * 2000)
    assert response.status_code == 422 and "större än 20 MB" in response.content.decode()


def test_a_request_larger_than_the_cap_is_refused_before_it_is_read(client, monkeypatch):
    from projects.records import views

    monkeypatch.setattr(views, "MAX_BYTES", 10)
    response = upload(client, b"%PDF-1.7\n" + b"0" * 100_000)
    assert response.status_code == 422 and "större än 20 MB" in response.content.decode()


def test_the_check_page_is_public_and_limits_checks_per_address(client):
    assert client.get(CHECK).status_code == 200
    blank = pikepdf.new()
    blank.add_blank_page()
    out = io.BytesIO()
    blank.save(out)
    for _i in range(CHECKS_PER_HOUR):
        assert NEUTRAL in upload(client, out.getvalue()).content.decode()
    response = upload(client, out.getvalue())
    assert "många filer på kort tid" in response.content.decode()


def test_the_check_page_needs_the_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(CHECK, {})
    assert response.status_code == 403


def test_the_footer_links_the_check_page(client):
    assert CHECK in client.get(reverse("accessibility")).content.decode()


# -- check_deployment ------------------------------------------------------------------------------------


def _run(settings_overrides):
    base = {"SEAL_PKCS12_PATH": "", "SEAL_PKCS12_PASSWORD": "", "TSA_URL": ""}
    return dc.check_seal(dc.Context(settings=SimpleNamespace(**(base | settings_overrides)), env={}))


def test_check_deployment_seal_cases(tmp_path):
    from projects.records import testseal

    assert _run({}).status == dc.FAIL and "missing" in _run({}).message
    assert _run({"SEAL_PKCS12_PATH": str(tmp_path / "none.p12")}).status == dc.FAIL
    (tmp_path / "junk.p12").write_bytes(b"not pkcs12")
    junk = _run({"SEAL_PKCS12_PATH": str(tmp_path / "junk.p12"), "SEAL_PKCS12_PASSWORD": "x"})
    assert junk.status == dc.FAIL and "cannot be read" in junk.message
    good = issued_seal(tmp_path / "good.p12", "pw")
    wrong = _run({"SEAL_PKCS12_PATH": str(good), "SEAL_PKCS12_PASSWORD": "fel"})
    assert wrong.status == dc.FAIL and "cannot be read" in wrong.message
    ok = _run({"SEAL_PKCS12_PATH": str(good), "SEAL_PKCS12_PASSWORD": "pw", "TSA_URL": "https://tsa.kommun.se"})
    assert ok.status == dc.OK and "Kommunens e-sigill" in ok.message and "tsa.kommun.se" in ok.message
    expired = _run(
        {"SEAL_PKCS12_PATH": str(issued_seal(tmp_path / "old.p12", "pw", expired=True)), "SEAL_PKCS12_PASSWORD": "pw"}
    )
    assert expired.status == dc.FAIL and "expired" in expired.message
    soon = _run(
        {"SEAL_PKCS12_PATH": str(issued_seal(tmp_path / "soon.p12", "pw", days=10)), "SEAL_PKCS12_PASSWORD": "pw"}
    )
    assert soon.status == dc.WARN
    test = testseal.make(tmp_path / "test.p12", "pw")
    self_signed = _run({"SEAL_PKCS12_PATH": str(test), "SEAL_PKCS12_PASSWORD": "pw"})
    assert self_signed.status == dc.FAIL and "self-signed" in self_signed.message
