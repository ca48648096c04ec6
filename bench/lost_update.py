"""No lost update across app servers: two gunicorn servers against one PostgreSQL, the same answer
(and the same agreement section) saved through both at the same moment, many times.

    .venv/bin/python bench/lost_update.py [--rounds 500] [--check]

1. A scratch database (``samverkan_bench_lost_update``, dropped and recreated): migrated, the guides
   loaded, a collaboration of a kommun and a förening with an editor from each, a joint checklist
   question and an agreement section. Sessions are made with SessionStore.
2. Two gunicorn servers (``bench.bench_settings``, one sync worker each: two app servers behind a
   load balancer) on two free ports of 127.0.0.1, the same database.
3. Each round reads the current version from the database, then two clients (threads, each with its
   own connection, session and csrftoken, one to each server) wait at a barrier and POST different
   texts based on that same version: the HTMX autosave of the answer (then of the section). Each
   response says ``X-Answer-State: saved`` or ``conflict``.
4. After each round it checks: exactly one save won and the other got the conflict (with its text
   handed back in the merge panel, so nothing is lost silently); the stored text is the winner's,
   the version went up by exactly one, and the new revision holds the winner's text. Anything else
   counts as a lost update (or, when neither won, a failed round).
5. It prints rounds, wins per server, conflicts, lost updates (goal 0) and failed rounds, for the
   answer and for the section. Hard stop after 5 minutes; the servers are stopped and the database
   dropped at the end.
"""

import argparse
import html
import http.client
import os
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):  # run as a script: bench/ is importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    HOST,
    PG_SERVER,
    Abort,
    Guard,
    People,
    create_database,
    drop_database,
    gunicorn_label,
    log_tail,
    machine_line,
    make_session,
    migrate_and_load_guides,
    setup_django,
    start_gunicorn,
    stop_process,
)

DATABASE = f"{PG_SERVER}/samverkan_bench_lost_update"


@dataclass
class Target:
    """What is saved: the answer or the agreement section."""

    label: str
    path: str
    key: str  # the form prefix
    read: object  # () -> (version, text) from the database
    revision: object  # (version) -> text of that revision, or None
    extra: dict = field(default_factory=dict)
    hands_back: bool = True  # the conflict response holds the loser's text (the answer's merge panel)


@dataclass
class Tally:
    rounds: int = 0
    wins: list = field(default_factory=lambda: [0, 0])
    conflicts: int = 0
    lost: int = 0
    failed: int = 0
    problems: list = field(default_factory=list)
    seconds: float = 0.0


class Client:
    """One person at one server: a connection, their session and csrftoken."""

    def __init__(self, port, session_cookie, page):
        from django.conf import settings

        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.origin = f"http://{HOST}:{port}"
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={session_cookie}"
        self.conn.request("GET", page, headers={"Cookie": self.cookie})
        response = self.conn.getresponse()
        response.read()
        token = None
        for header in response.headers.get_all("Set-Cookie") or []:
            match = re.match(rf"{re.escape(settings.CSRF_COOKIE_NAME)}=([^;]+)", header)
            token = match.group(1) if match else token
        if response.status != 200 or not token:
            raise Abort(f"GET {page} on port {port} answered {response.status} without a csrftoken")
        self.headers = {
            "Cookie": f"{self.cookie}; {settings.CSRF_COOKIE_NAME}={token}",
            "X-CSRFToken": token,
            "Origin": self.origin,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }

    def post(self, path, form):
        try:
            self.conn.request("POST", path, body=urlencode(form).encode(), headers=self.headers)
            response = self.conn.getresponse()
            return response.status, response.getheader("X-Answer-State", ""), response.read().decode()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            return 0, type(exc).__name__, ""


def prepare():
    from django.urls import reverse

    from guides.models import Item
    from projects.agreements import services as agreements
    from projects.agreements.models import AgreementSection, AgreementSectionRevision
    from projects.checklists.models import Answer, AnswerRevision
    from projects.checklists.services import ensure_default_sections, ordered_sections
    from projects.core import services as actions
    from projects.core.models import Membership, Organisation, Role, Sector

    migrate_and_load_guides()
    people = People(prefix="lost")
    kommun = Organisation.objects.create(name="Benchkommun", sector=Sector.KOMMUN)
    forening = Organisation.objects.create(name="Föreningen Bench", sector=Sector.IDEELL_FORENING)
    coordinator = people.user("Samordnare")
    collaboration = actions.create_collaboration(user=coordinator, organisation=kommun, title="Samtidigt sparat")
    parties = [collaboration.parties.get(), actions.add_party(collaboration, user=coordinator, organisation=forening)]
    editors = []
    for party, name in zip(parties, ("Anna Kommun", "Bo Förening"), strict=True):
        editor = people.user(name)
        Membership.objects.create(collaboration=collaboration, party=party, user=editor, role=Role.EDITOR)
        editors.append(make_session(editor))
    ensure_default_sections(collaboration, coordinator)
    cs = next(cs for cs in ordered_sections(collaboration) if not cs.per_party)
    item = Item.objects.current().filter(section_id=cs.section_id, kind=Item.Kind.QUESTION).order_by("pk").first()
    agreement = agreements.create_agreement(collaboration, user=coordinator)
    section = agreement.sections.order_by("order", "pk").first()
    pk = collaboration.pk

    def read_answer():
        answer = Answer.objects.filter(collaboration_id=pk, item=item, party=None).first()
        return (answer.version, answer.text) if answer else (0, "")

    def answer_revision(version):
        revision = AnswerRevision.objects.filter(answer__collaboration_id=pk, answer__item=item, version=version)
        return revision.values_list("text", flat=True).first()

    def read_section():
        return tuple(AgreementSection.objects.filter(pk=section.pk).values_list("version", "text").get())

    def section_revision(version):
        return (
            AgreementSectionRevision.objects.filter(section_id=section.pk, version=version)
            .values_list("text", flat=True)
            .first()
        )

    targets = [
        Target(
            "answer",
            reverse("projects:answer_save", args=[pk, cs.pk, item.pk]),
            f"{item.pk}-j",
            read_answer,
            answer_revision,
            {"status": "discussed"},
        ),
        Target(
            "agreement section",
            reverse("projects:agreement_section_save", args=[pk, section.pk]),
            f"s{section.pk}",
            read_section,
            section_revision,
            hands_back=False,  # the section's conflict notice leaves the text in its field (HTMX swaps the meta only)
        ),
    ]
    return editors, reverse("projects:checklist_section", args=[pk, cs.pk]), targets


def play(target, clients, rounds, tally):
    barrier = threading.Barrier(2)
    results = [None, None]

    def send(side, form):
        barrier.wait()
        results[side] = clients[side].post(target.path, form)

    began = time.perf_counter()
    for number in range(rounds):
        base, _ = target.read()
        texts = [
            f"Runda {number}: text från server {side + 1}, {'kommunen' if side == 0 else 'föreningen'}."
            for side in (0, 1)
        ]
        forms = [
            {f"{target.key}-text": text, f"{target.key}-version": base}
            | {f"{target.key}-{name}": value for name, value in target.extra.items()}
            for text in texts
        ]
        threads = [threading.Thread(target=send, args=(side, forms[side])) for side in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        tally.rounds += 1
        states = [result[1] for result in results]
        version, stored = target.read()
        winners = [side for side in (0, 1) if states[side] == "saved"]
        losers = [side for side in (0, 1) if states[side] == "conflict"]
        problem = None
        if len(winners) == 1 and len(losers) == 1:
            win, lose = winners[0], losers[0]
            tally.wins[win] += 1
            tally.conflicts += 1
            if stored != texts[win] or version != base + 1 or target.revision(version) != texts[win]:
                problem = f"stored v{version} {stored!r} after v{base}; the winner sent {texts[win]!r}"
            elif target.hands_back and html.escape(texts[lose]) not in results[lose][2]:
                problem = "the conflict response does not hand back the loser's text"
            if problem:
                tally.lost += 1
        elif len(winners) == 2:
            tally.lost += 1
            problem = f"both saves answered 'saved' (v{base} -> v{version}, stored {stored!r})"
        else:
            tally.failed += 1
            problem = f"answers {[(r[0], r[1]) for r in results]}, v{base} -> v{version}"
        if problem and len(tally.problems) < 5:
            tally.problems.append(f"round {number}: {problem}")
    tally.seconds = time.perf_counter() - began


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=500, help="rounds per target (default 500)")
    parser.add_argument("--database-url", default=DATABASE, help=f"scratch database (default {DATABASE})")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--check", action="store_true", help="exit with 2 when an update was lost")
    args = parser.parse_args(argv)
    if args.rounds <= 0:
        parser.error("--rounds must be positive")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = datetime.now(UTC)
    load_before = os.getloadavg()[0]
    with Guard(300) as guard:
        db = create_database(args.database_url)
        if not args.keep_database:
            guard.cleanups.append(lambda: drop_database(db))
        setup_django(db)
        sessions, page, targets = prepare()
        guard.log = log = tempfile.NamedTemporaryFile(mode="w+", prefix="samverkan-bench-lost-", suffix=".log")  # noqa: SIM115
        guard.cleanups.append(log.close)
        ports = []
        for _ in range(2):
            process, port = start_gunicorn(log, workers=1)
            guard.cleanups.append(lambda process=process: stop_process(process))
            ports.append(port)
        print(f"servers    {gunicorn_label(1, 1)} each, ports {ports[0]} and {ports[1]}", flush=True)
        clients = [Client(ports[side], sessions[side], page) for side in (0, 1)]
        tallies = {}
        for target in targets:
            tallies[target.label] = tally = Tally()
            play(target, clients, args.rounds, tally)
            print(f"played     {target.label}: {tally.rounds} rounds in {tally.seconds:.0f} s", flush=True)
        print()
        print("== Samverkan: the same text saved through two app servers at once (bench/lost_update.py) ==")
        print(f"date       {started:%Y-%m-%d %H:%M} UTC")
        print(f"machine    {machine_line(load_before)}")
        print(f"servers    2 x {gunicorn_label(1, 1)}, DEBUG off, one PostgreSQL")
        print(f"database   {db.label}")
        print("rounds     two clients at a barrier POST different texts on the same version, one to each server")
        print()
        header = f"{'saved':<20}{'rounds':>8}{'wins 1':>8}{'wins 2':>8}{'conflicts':>11}{'lost':>6}{'failed':>8}"
        print(header)
        print("-" * len(header))
        lost = failed = 0
        for label, t in tallies.items():
            print(f"{label:<20}{t.rounds:>8}{t.wins[0]:>8}{t.wins[1]:>8}{t.conflicts:>11}{t.lost:>6}{t.failed:>8}")
            lost += t.lost
            failed += t.failed
        print()
        print(f"lost updates {lost}   goal 0: {'met' if lost == 0 else 'NOT met'}")
        for label, t in tallies.items():
            for problem in t.problems:
                print(f"problem    {label}, {problem}")
        if failed:
            print("\nserver log (last lines):\n" + log_tail(log), file=sys.stderr)
            return 1
        return 2 if args.check and lost else 0
    return guard.status


if __name__ == "__main__":
    sys.exit(main())
