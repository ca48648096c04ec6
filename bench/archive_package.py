"""How long building the package for the e-archive takes, and how large it is, for the demo's
agreement and for a large one (projects/archive: ``services.build``).

    .venv/bin/python bench/archive_package.py [--repeat 3] [--meetings 40] [--sqlite] [--keep-database]

1. A scratch database (PostgreSQL ``samverkan_bench_archive``, or a temporary SQLite file with
   --sqlite): migrated, the guides and the demo loaded (``load_guides``, ``load_demo``).
2. ``demo``: the demo collaboration's IOP written (every section of the template a paragraph),
   its parties' record numbers set, locked for decision and decided by both parties through the
   services, and the demo meeting's minutes written and approved by both participants (locked).
   ``large``: a second collaboration of the same two organisations with an agreement of 100 sections
   of 5,000 characters, decided by both parties, and --meetings meetings (40) with approved minutes
   of about 3,000 characters each.
3. The decided version's PDF is rendered once and kept, as the app does when the last party decides
   (``agreements.version_pdf(version, keep=True)``, timed and printed for information): the package
   takes the kept PDF.
4. Each package is built --repeat times (the agreements taking turns, the first round not measured)
   into a temporary file as the download does, and the median wall time is printed with the size of
   the ZIP and its number of files. After each build its heavier parts are timed alone (the minutes'
   PDFs, the evaluation appendix, the collaboration file); their medians are printed, and the rest
   (descriptions, METS, PREMIS, checksums, ZIP) as the total's median less theirs (approximate).

Exit status: 0, 1 on an error.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/ is importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PG_SERVER, Abort, Guard, create_database, drop_database, machine_line, setup_django

DATABASE = "samverkan_bench_archive"
TIME_LIMIT = 1200
PARAGRAPH = (
    "Föreningen öppnar mötesplatsen måndag till torsdag kl. 15–21 och ansvarar för verksamheten på kvällstid. "
    "Kommunen står för lokalhyran, el och städning och följer upp insatsen två gånger om året. "
    "Båda parter utser en kontaktperson som håller ihop arbetet och tar upp frågor om ekonomi och ansvar. "
)


def text(chars):
    return (PARAGRAPH * (chars // len(PARAGRAPH) + 1))[:chars]


def demo_agreement():
    """The demo collaboration's IOP, decided by both parties; the demo meeting's minutes approved."""
    from django.contrib.auth import get_user_model

    from guides.models import CollaborationForm
    from projects.agreements import services as agreements
    from projects.core.models import Collaboration
    from projects.meetings import services as meetings
    from projects.meetings.models import Meeting

    users = get_user_model().objects
    anna, bo = users.get(email="anna@exempelkommun.se"), users.get(email="bo@gemenskap.se")
    collaboration = Collaboration.objects.get(parties__memberships__user=anna)
    agreement = agreements.create_agreement(collaboration, user=anna, form=CollaborationForm.objects.get(slug="iop"))
    agreement.sections.filter(text="").update(text=text(900))
    for user, number in ((anna, "KS-2026-123"), (bo, "GEM 2026/4")):
        party = user.memberships.get(collaboration=collaboration).party
        agreements.set_party_record(agreement, party=party, record_number=number, signatory=user.get_full_name())
    version = agreements.freeze(agreement, user=anna)
    for user, body, reference in ((anna, "Kommunstyrelsen", "KS 2026/123 § 57"), (bo, "Styrelsen", "§ 8")):
        party = user.memberships.get(collaboration=collaboration).party
        agreements.record_decision(
            version, party=party, user=user, approved=True, body=body, decided_on=date.today(), reference=reference
        )
    meeting = Meeting.objects.filter(collaboration=collaboration).first()
    meetings.save_minutes(meeting, user=anna, text=text(2500), base_version=meeting.minutes_version)
    meeting.refresh_from_db()
    for user in (anna, bo):
        meetings.approve_minutes(meeting, user=user, version=meeting.minutes_version)
    version.refresh_from_db()
    return version, anna.memberships.get(collaboration=collaboration)


def large_agreement(sections, meetings_count):
    """A collaboration of the demo's two organisations with ``sections`` sections of 5,000 characters,
    decided by both, and ``meetings_count`` meetings with approved minutes (rows written directly)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from projects.agreements import services as agreements
    from projects.agreements.models import AgreementSection, AgreementVersion, Decision, PartyRecord
    from projects.core import services as actions
    from projects.core.models import Membership, Organisation, Role
    from projects.meetings.models import Meeting, MeetingParticipant

    users = get_user_model().objects
    anna, bo = users.get(email="anna@exempelkommun.se"), users.get(email="bo@gemenskap.se")
    kommun = Organisation.objects.get(name="Exempelkommun")
    forening = Organisation.objects.get(name="Föreningen Gemenskap")
    collaboration = actions.create_collaboration(user=anna, organisation=kommun, title="Stor samverkan med 100 avsnitt")
    kommun_party = collaboration.parties.get()
    forening_party = actions.add_party(collaboration, user=anna, organisation=forening)
    forening_party.status = "accepted"
    forening_party.save(update_fields=["status"])
    Membership.objects.get_or_create(
        collaboration=collaboration, user=bo, defaults={"party": forening_party, "role": Role.EDITOR}
    )
    agreement = agreements.create_agreement(collaboration, user=anna)
    agreement.sections.all().delete()
    AgreementSection.objects.bulk_create(
        AgreementSection(agreement=agreement, key=f"avsnitt-{n}", title=f"Avsnitt {n}", order=n, text=text(5000))
        for n in range(1, sections + 1)
    )
    PartyRecord.objects.create(agreement=agreement, party=kommun_party, record_number="KS-2026-999")
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        content=(content := agreements.snapshot(agreement)),
        content_hash=agreements.content_hash(content),
        status=AgreementVersion.Status.DECIDED,
    )
    for party in (kommun_party, forening_party):
        Decision.objects.create(
            version=version, party=party, approved=True, body="Styrelsen", decided_on=date.today(), reference="§ 1"
        )
    start = timezone.now() - timedelta(days=meetings_count * 14)
    for n in range(meetings_count):
        starts = start + timedelta(days=14 * n)
        meeting = Meeting.objects.create(
            collaboration=collaboration,
            title=f"Styrgruppsmöte {n + 1}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            agenda="1. Läget\n2. Ekonomi\n3. Nästa möte",
            minutes=text(3000),
            minutes_version=1,
            minutes_locked_at=starts + timedelta(days=3),
        )
        for party, user in ((kommun_party, anna), (forening_party, bo)):
            MeetingParticipant.objects.create(
                meeting=meeting,
                party=party,
                user=user,
                name=user.get_full_name(),
                approved_minutes_at=starts + timedelta(days=2),
                approved_version=1,
            )
    return version, anna.memberships.get(collaboration=collaboration)


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def build_once(version, membership):
    from projects.archive import services as archive

    with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as out:
        seconds, paths = timed(archive.build, version, membership=membership, out=out)
        out.seek(0, io.SEEK_END)
        size = out.tell()
        out.seek(0)
        with zipfile.ZipFile(out) as package:
            data = sum(info.file_size for info in package.infolist())
    return seconds, size, data, len(paths)


def parts(version):
    """The time of the package's heavier parts, each alone."""
    from projects.archive import services as archive
    from projects.evaluation import services as evaluation
    from projects.transfer import services as transfer

    collaboration = version.agreement.collaboration
    minutes, files = timed(archive._minutes, collaboration)
    appendix, _pdf = timed(evaluation.appendix_pdf, collaboration)
    export, _json = timed(transfer.export_json, collaboration)
    return {"minutes PDFs": minutes, "evaluation PDF": appendix, "collaboration file": export}, len(files)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sections", type=int, default=100)
    parser.add_argument("--meetings", type=int, default=40)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--database-url", default=f"{PG_SERVER}/{DATABASE}")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with Guard(TIME_LIMIT) as guard:
        db = create_database(args.database_url, sqlite=args.sqlite)
        if not args.keep_database:
            guard.cleanups.append(lambda: drop_database(db))
        setup_django(db)
        import logging

        from django.conf import settings
        from django.core.management import call_command

        from projects.agreements import services as agreements

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the notices: not printed
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_guides", verbosity=0)
        call_command("load_demo", verbosity=0)
        cases = {"demo": demo_agreement(), "large": large_agreement(args.sections, args.meetings)}
        print(f"{db.label}")
        for name, (version, _membership) in cases.items():
            kept = bool(version.pdf)
            seconds, data = timed(agreements.version_pdf, version, keep=True)
            version.refresh_from_db()
            sections = len(version.content["sections"])
            chars = sum(len(s["text"]) for s in version.content["sections"])
            how = "already kept by the last decision's task" if kept else f"rendered once and kept in {seconds:.2f} s"
            print(
                f"{name}: {sections} sections ({chars:,} characters); agreement PDF {how}, {len(data) / 1024:,.0f} KiB"
            )
        times = {name: [] for name in cases}
        part_times = {name: {} for name in cases}
        results = {}
        order = list(cases)
        for repetition in range(args.repeat + 1):
            for name in order if repetition % 2 == 0 else reversed(order):
                version, membership = cases[name]
                seconds, size, data, files = build_once(version, membership)
                split, meetings = parts(version)
                results[name] = (size, data, files, meetings)
                if repetition:
                    times[name].append(seconds)
                    for part, part_seconds in split.items():
                        part_times[name].setdefault(part, []).append(part_seconds)
        print(f"\npackage build (median of {args.repeat}, into a temporary file as the download does):")
        for name in cases:
            size, data, files, meetings = results[name]
            split = {part: statistics.median(values) for part, values in part_times[name].items()}
            median = statistics.median(times[name])
            # The parts are timed alone: on a busy machine they may add up to more than the whole.
            rest = max(median - sum(split.values()), 0.0)
            detail = ", ".join(f"{part} {seconds:.2f} s" for part, seconds in split.items())
            print(
                f"  {name:<6} {median:6.2f} s  ZIP {size / 1024:,.0f} KiB ({data / 1024:,.0f} KiB unpacked, "
                f"{files} files, {meetings} approved minutes)\n         parts: {detail}, the rest "
                f"(descriptions, METS, PREMIS, checksums, ZIP) {rest:.2f} s"
            )
        print("\n" + machine_line(load_before))
        guard.status = 0
    return guard.status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Abort as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr)
        sys.exit(1)
