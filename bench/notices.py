"""The figures of issue 15: is "Väntar på dig" as cheap for a person in 50 collaborations as for a
person in 1 (the same number of statements, at most 1.3 times the time), and does ``send_reminders``
over 10,000 people and 2,000 collaborations finish, send each notice once, and at what cost per
recipient?

    .venv/bin/python bench/notices.py [--large 50] [--repeat 15] [--people 10000] [--collaborations 2000]
                                      [--pending 2000] [--only todo|reminders] [--no-concurrency]
                                      [--profile] [--async-commit] [--sqlite] [--keep-database] [--check]

1. The to-do list. One scratch database (PostgreSQL ``samverkan_bench_notices``, or a temporary
   SQLite file with --sqlite): migrated, the guides loaded, and three people built in bulk: one who
   coordinates 1 collaboration, one who coordinates 50 (--large), and one who coordinates 50 of
   which 1 is busy and 49 are quiet (nothing waiting: no checklist sections, nothing to do). Every
   busy collaboration (a kommun and a förening, the default checklist sections) has something of
   every kind waiting, as
   tests/todo/test_waiting.py's ``_busy_collaborations``: an open concern about a principle, a risk
   due today that no party owns, a goal with a round of measurements due today and an indicator
   without a measurement (and not accepted by the person's party), a meeting whose minutes the
   person took part in and has not approved, a joint answer the förening's editor wrote, a joint
   section due in 5 days with open questions, a pending invitation, a version frozen for decision
   with no decision, a period that ends in 45 days; the person administers their kommun, which
   has a request to join. ``projects.todo.queries.waiting_for(person)`` and the dashboard ``/``
   (Django's test Client, in this process) are timed in turns, the order reversed every other
   round, the first round not measured. Goals: the same number of statements for all three, and
   ``waiting_for`` for the person in 50 with 1 busy within 1.3 times its time for the person in 1
   (what having 50 collaborations costs; the person in 50 busy ones has 46 times the items, and
   their ratio is printed, not checked). When the busy ratio is above 1.3 (and with --profile),
   each part of ``waiting_for`` is timed on its own at 1 and at 50, and cProfile of ``waiting_for``
   at 50 lists the top functions by cumulative time (--profile profiles the first send_reminders
   too).
2. The reminders. The to-do list's collaborations are archived (so they are reminded of nothing),
   then --collaborations collaborations (2,000) with --people people (10,000; 5 per collaboration:
   the kommun's coordinator, editor and reader, the förening's coordinator and editor) are built in
   bulk, each with one deadline in the reminder window, the four kinds in turn, dated today and in
   7 days in turn: a joint checklist section due with all its questions open, a version frozen for
   decision with ``decide_by`` and no decision, a meeting's minutes due (text, everybody a
   participant, the reader has approved), a goal's round of measurements due with an indicator not
   measured. E-mail goes to Django's locmem backend and the tasks run in-process (the Immediate
   backend, the default ``TASKS``), so ``call_command("send_reminders")`` records and sends
   everything in this process. It is run once (wall time, statements counted with an
   ``execute_wrapper``: CaptureQueriesContext keeps only the last 9,000), the notices, e-mails and
   distinct (recipient, subject) pairs counted and checked against the recipients the data calls
   for; then run again, which must record and send nothing.
3. Concurrency (PostgreSQL only): 2,000 notices waiting to be sent, ``retry_due`` called from two
   threads at once (two connections, released together by a barrier): every notice is sent once
   (e-mails per notice, statuses). Then the deadlines are moved by a day (new notice keys) and
   ``send_reminders`` is run from two threads at once: each reminder recorded and sent once.
4. The database is dropped at the end (unless --keep-database), also on errors, Ctrl-C and the hard
   stop (900 s plus 0.6 s per collaboration of --collaborations: 35 minutes for the default run, which
   takes about 6 on PostgreSQL).

Exit status: 0, 1 on an error, 2 with --check when a goal is not met (the to-do list's statements
or time ratio; a notice sent twice or not at all).
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import signal
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/ is importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    HOST,
    PG_SERVER,
    Abort,
    Guard,
    create_database,
    drop_database,
    machine_line,
    make_session,
    migrate_and_load_guides,
    setup_django,
)

DATABASE = "samverkan_bench_notices"
TODO_TIME_GOAL = 1.3
BATCH = 500  # collaborations built per round of bulk_create
UNUSABLE = "!bench"  # an unusable password: nobody logs in, no hashing
LIMIT_BASE = 900  # the hard stop: this many seconds, plus LIMIT_PER_COLLABORATION for each collaboration
LIMIT_PER_COLLABORATION = 0.6


class HardStop(KeyboardInterrupt):
    """The time limit. A KeyboardInterrupt, because the Immediate task backend swallows every other
    exception a task raises (the run would go on to the next notice); turned into an Abort in main()."""


def _hard_stop(signum, frame):
    raise HardStop


class Statements:
    """Counts the statements of this thread's connection and the time spent in them (an
    ``execute_wrapper``: no limit, unlike CaptureQueriesContext's 9,000), also by their shape
    (the verb and the first table: "UPDATE projects_notice")."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.shapes = Counter()
        self.shape_seconds = Counter()

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - began
            self.seconds += elapsed
            shape = _shape(sql)
            self.shapes[shape] += 1
            self.shape_seconds[shape] += elapsed

    def top(self, n=6):
        return [(shape, self.shapes[shape], seconds) for shape, seconds in self.shape_seconds.most_common(n)]


def _shape(sql):
    """ "SELECT projects_notice": the verb and the table (a SELECT's first FROM)."""
    text = sql.lstrip()
    verb = text.split(None, 1)[0].upper() if text else "?"
    if verb == "SELECT":  # Django names the table of its first column: SELECT "projects_notice"."id", …
        match = re.match(r'SELECT\s+(?:DISTINCT\s+)?"(\w+)"\.', text) or re.search(r'\bFROM\s+"?(\w+)', text)
    elif verb in ("UPDATE", "INSERT", "DELETE"):
        match = re.match(r'\w+\s+(?:OR\s+\w+\s+)?(?:INTO\s+|FROM\s+)?"?(\w+)', text)
    else:
        return verb
    return f"{verb} {match.group(1)}" if match else verb


def counting():
    """(context manager, counter) for the current thread's default connection."""
    from django.db import connection

    counter = Statements()
    return connection.execute_wrapper(counter), counter


# Shared building blocks --------------------------------------------------------------------------


def default_section_ids():
    """The default checklist sections of a kommun + förening collaboration: [(section id, answer
    mode)], and the id of the first joint section with questions and its first question."""
    from guides.models import Item
    from projects.checklists import services as checklists
    from projects.core.models import Organisation, Party, Sector

    probe = [Organisation(name="k", sector=Sector.KOMMUN), Organisation(name="f", sector=Sector.IDEELL_FORENING)]
    sections = checklists.default_sections(None, parties=[Party(organisation=org) for org in probe])
    questions = Item.objects.current().filter(kind=Item.Kind.QUESTION)
    joint = next((s for s in sections if s.answer_mode == "joint" and questions.filter(section=s).exists()), None)
    if joint is None:
        raise Abort("the default checklist sections have no joint questions; are the guides loaded?")
    question = questions.filter(section=joint).order_by("pk").values_list("pk", flat=True).first()
    return [(s.pk, s.answer_mode) for s in sections], joint.pk, question


def bulk_users(prefix, count, start=0):
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    return user_model.objects.bulk_create(
        user_model(
            email=f"{prefix}{start + n}@bench.example", full_name=f"Person {prefix} {start + n}", password=UNUSABLE
        )
        for n in range(count)
    )


# 1. The to-do list -------------------------------------------------------------------------------


def build_todo_person(label, count, sections, joint_section, question, busy=None):
    """A person who coordinates ``count`` collaborations, the first ``busy`` of them (all unless told)
    with something of every kind waiting, the others quiet (nothing waiting in them)."""
    from django.utils import timezone

    from guides.models import Principle
    from projects.agreements.models import Agreement, AgreementVersion
    from projects.checklists.models import Answer, AnswerStatus, ChecklistSection
    from projects.core.models import Collaboration, Invitation, Membership, Organisation, Party, Role, Sector
    from projects.goals.models import Goal, Indicator
    from projects.meetings.models import Meeting, MeetingParticipant
    from projects.organisations.models import JoinRequest, OrganisationMember, OrgRole
    from projects.principles.models import PrincipleConcern
    from projects.stakeholders.models import Risk

    today = timezone.localdate()
    now = timezone.now()
    principle = Principle.objects.order_by("pk").first()
    person, newcomer = bulk_users(f"todo-{label}-", 2)
    others = bulk_users(f"todo-{label}-other-", count)
    kommun = Organisation.objects.create(name=f"Kommun {label}", sector=Sector.KOMMUN)
    OrganisationMember.objects.create(
        organisation=kommun, user=person, role=OrgRole.ADMIN, joined_via=OrganisationMember.Via.STAFF
    )
    JoinRequest.objects.create(organisation=kommun, user=newcomer)
    busy = count if busy is None else busy
    foreningar = Organisation.objects.bulk_create(
        Organisation(name=f"Förening {label} {n}", sector=Sector.IDEELL_FORENING) for n in range(count)
    )
    collaborations = Collaboration.objects.bulk_create(
        Collaboration(
            title=f"Samverkan {label} {n:02}",
            created_by=person,
            start_date=today - timedelta(days=300),
            end_date=today + timedelta(days=45 if n < busy else 900),
        )
        for n in range(count)
    )
    parties = Party.objects.bulk_create(
        party
        for n, c in enumerate(collaborations)
        for party in (
            Party(collaboration=c, organisation=kommun, is_coordinating=True),
            Party(collaboration=c, organisation=foreningar[n]),
        )
    )
    Membership.objects.bulk_create(
        membership
        for n, c in enumerate(collaborations)
        for membership in (
            Membership(collaboration=c, party=parties[2 * n], user=person, role=Role.COORDINATOR),
            Membership(collaboration=c, party=parties[2 * n + 1], user=others[n], role=Role.EDITOR),
        )
    )
    ChecklistSection.objects.bulk_create(
        ChecklistSection(
            collaboration=c,
            section_id=section_id,
            answer_mode=mode,
            added_by=person,
            due_date=today + timedelta(days=5) if section_id == joint_section else None,
        )
        for c in collaborations[:busy]
        for section_id, mode in sections
    )
    Answer.objects.bulk_create(
        Answer(
            collaboration=c,
            item_id=question,
            text="Förslag från föreningen",
            status=AnswerStatus.DISCUSSED,
            version=1,
            updated_by=others[n],
        )
        for n, c in enumerate(collaborations[:busy])
    )
    PrincipleConcern.objects.bulk_create(
        PrincipleConcern(collaboration=c, principle=principle, party=parties[2 * n + 1], text="Det gnisslar")
        for n, c in enumerate(collaborations[:busy])
    )
    Risk.objects.bulk_create(
        Risk(collaboration=c, title=f"Risk {n}", probability=3, consequence=3, review_date=today)
        for n, c in enumerate(collaborations[:busy])
    )
    goals = Goal.objects.bulk_create(
        Goal(collaboration=c, title=f"Mål {n}", measure_by=today, measure_requested_at=now)
        for n, c in enumerate(collaborations[:busy])
    )
    Indicator.objects.bulk_create(
        Indicator(
            goal=goal,
            name="Deltagare",
            unit="deltagare",
            baseline=10,
            baseline_date=today - timedelta(days=365),
            target=20,
            target_date=today + timedelta(days=365),
        )
        for goal in goals
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            collaboration=c,
            title=f"Styrgrupp {n}",
            starts_at=now - timedelta(days=2),
            ends_at=now - timedelta(days=2) + timedelta(hours=1),
            minutes="§ 1 Mötet öppnas",
            minutes_version=1,
            uid=f"{secrets.token_hex(16)}@samverkan",
        )
        for n, c in enumerate(collaborations[:busy])
    )
    MeetingParticipant.objects.bulk_create(
        participant
        for n, meeting in enumerate(meetings)
        for participant in (
            MeetingParticipant(meeting=meeting, party=parties[2 * n], user=person, name=person.full_name),
            MeetingParticipant(meeting=meeting, party=parties[2 * n + 1], user=others[n], name=others[n].full_name),
        )
    )
    Invitation.objects.bulk_create(
        Invitation(
            collaboration=c,
            party=parties[2 * n + 1],
            email=f"inbjuden-{label}-{n}@bench.example",
            token_hash=secrets.token_hex(32),
            expires_at=now + timedelta(days=7),
            invited_by=person,
        )
        for n, c in enumerate(collaborations[:busy])
    )
    agreements = Agreement.objects.bulk_create(
        Agreement(collaboration=c, title=c.title, state=Agreement.State.FOR_DECISION)
        for c in collaborations[:busy][:busy]
    )
    AgreementVersion.objects.bulk_create(
        AgreementVersion(
            agreement=a,
            number=1,
            content={},
            content_hash="x",
            status=AgreementVersion.Status.FOR_DECISION,
            frozen_by=person,
            decide_by=today + timedelta(days=14),
        )
        for a in agreements
    )
    return person, [c.pk for c in collaborations]


def build_todo(args):
    sections, joint, question = default_section_ids()
    people = {}
    for label, count, busy in (("small", 1, 1), ("large", args.large, args.large), ("quiet", args.large, 1)):
        person, collaborations = build_todo_person(label, count, sections, joint, question, busy=busy)
        people[label] = {
            "user": person,
            "session": make_session(person),
            "count": count,
            "busy": busy,
            "pks": collaborations,
        }
    return people


def measure_todo(people, repeat):
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from projects.todo import queries as todo

    clients = {}
    for label, data in people.items():
        clients[label] = Client(HTTP_HOST=HOST)
        clients[label].cookies[settings.SESSION_COOKIE_NAME] = data["session"]
    path = reverse("projects:dashboard")
    result = {
        label: {"waiting": [], "page": [], "statements": {"waiting": set(), "page": set()}, "db": [], "items": None}
        for label in people
    }
    for number in range(repeat + 1):
        order = ("small", "large", "quiet") if number % 2 == 0 else ("quiet", "large", "small")
        for label in order:
            user = people[label]["user"]
            wrapper, counter = counting()
            with wrapper:
                began = time.perf_counter()
                waiting = todo.waiting_for(user)
                elapsed = time.perf_counter() - began
            wrapper, page_counter = counting()
            with wrapper:
                began = time.perf_counter()
                response = clients[label].get(path)
                page_elapsed = time.perf_counter() - began
            if response.status_code != 200:
                raise Abort(f"GET {path} as the person in {people[label]['count']} answered {response.status_code}")
            if number == 0:  # the first round fills the caches (the session, the guide content)
                result[label]["items"] = (len(waiting.items), len(waiting.organisation_items))
                result[label]["kinds"] = Counter(_kind(item.text) for item in waiting.items)
                result[label]["page_items"] = response.content.count(b'class="todo-item')
                continue
            result[label]["waiting"].append(elapsed)
            result[label]["page"].append(page_elapsed)
            result[label]["db"].append(counter.seconds)
            result[label]["statements"]["waiting"].add(counter.count)
            result[label]["statements"]["page"].add(page_counter.count)
    return result


KIND_WORDS = (
    ("mätvärden", "measurements"),
    ("Registrera", "decision"),
    ("ska besluta", "decision"),
    ("Justera protokollet", "minutes"),
    ("gemensam", "confirm"),
    ("Svara på", "party questions"),
    ("Kom överens", "section due"),
    ("mål väntar", "goal to accept"),
    ("Följ upp risken", "risk"),
    ("synpunkt", "concern"),
    ("inbjudan", "invitation"),
    ("Perioden", "period"),
)


def _kind(text):
    return next((kind for word, kind in KIND_WORDS if word in text), "other")


COLLECTORS = (
    "_decisions",
    "_minutes",
    "_answers_to_confirm",
    "_party_questions",
    "_sections_due",
    "_goals_to_accept",
    "_measurements_due",
    "_risks_due",
    "_concerns",
    "_invitations",
    "_periods_ending",
    "_organisation_requests",
)


def breakdown_todo(people, rounds=10):
    """{label: {part: median ms}}: each of waiting_for's collectors timed on its own (the module's
    functions wrapped for these calls only; waiting_for looks them up when it runs), and the rest
    (the memberships, sorting)."""
    from projects.todo import queries as todo

    result = {}
    originals = {name: getattr(todo, name) for name in COLLECTORS}
    spent = Counter()

    def timed(name, function):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - began

        return wrapper

    try:
        for name, function in originals.items():
            setattr(todo, name, timed(name, function))
        for label, data in people.items():
            samples = {name: [] for name in (*COLLECTORS, "the rest", "total")}
            for _ in range(rounds):
                spent.clear()
                began = time.perf_counter()
                todo.waiting_for(data["user"])
                total = time.perf_counter() - began
                for name in COLLECTORS:
                    samples[name].append(spent[name])
                samples["the rest"].append(total - sum(spent.values()))
                samples["total"].append(total)
            result[label] = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    finally:
        for name, function in originals.items():
            setattr(todo, name, function)
    return result


def profile_todo(user, rounds=20):
    from projects.todo import queries as todo

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        todo.waiting_for(user)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(14)
    return rounds, _trim_stats(out.getvalue())


def _trim_stats(text):
    """pstats' table without its preamble, paths shortened to the checkout / site-packages."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    root = str(Path(__file__).resolve().parent.parent) + "/"
    shown = []
    for line in lines[start:]:
        if line.strip():
            shown.append(re.sub(r"\S*/site-packages/", "", line.replace(root, "")))
    return "\n".join(shown)


def report_todo(args, people, result):
    print()
    print(f"-- 1. Väntar på dig: a person in 1 collaboration against a person in {args.large} --")
    print(f"   {args.repeat} rounds, medians; waiting_for() called directly, the dashboard / with the test Client")
    header = (
        f"{'collaborations':>16}{'items':>7}{'on page':>9}{'statements':>12}{'waiting_for ms':>16}"
        f"{'(in db ms)':>12}{'page statements':>17}{'page ms':>10}"
    )
    print(header)
    print("-" * len(header))
    medians = {}
    for label in ("small", "large", "quiet"):
        r = result[label]
        items, org_items = r["items"]
        waiting = statistics.median(r["waiting"])
        page = statistics.median(r["page"])
        db = statistics.median(r["db"])
        medians[label] = (waiting, page)
        counts = "/".join(map(str, sorted(r["statements"]["waiting"])))
        page_counts = "/".join(map(str, sorted(r["statements"]["page"])))
        shown = f"{people[label]['count']} ({people[label]['busy']} busy)"
        print(
            f"{shown:>16}{items + org_items:>7}{r['page_items']:>9}{counts:>12}"
            f"{waiting * 1000:>16.1f}{db * 1000:>12.1f}{page_counts:>17}{page * 1000:>10.1f}"
        )
    kinds = result["large"]["kinds"]
    print(f"   items at {args.large} by kind: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
    ratio = medians["large"][0] / medians["small"][0]
    page_ratio = medians["large"][1] / medians["small"][1]
    quiet_ratio = medians["quiet"][0] / medians["small"][0]
    same = (
        len(result["small"]["statements"]["waiting"]) == 1
        and result["small"]["statements"]["waiting"] == result["large"]["statements"]["waiting"]
        and result["small"]["statements"]["waiting"] == result["quiet"]["statements"]["waiting"]
    )
    page_same = (
        len(result["small"]["statements"]["page"]) == 1
        and result["small"]["statements"]["page"] == result["large"]["statements"]["page"]
    )
    print()
    print(f"waiting_for statements equal at 1 and {args.large}: {'yes' if same else 'NO'}")
    print(f"dashboard statements equal:                  {'yes' if page_same else 'NO'}")
    print(
        f"waiting_for time ratio {args.large} collaborations, 1 busy / 1: {quiet_ratio:.2f}  goal <= {TODO_TIME_GOAL}: "
        f"{'met' if quiet_ratio <= TODO_TIME_GOAL else 'NOT met'}  "
        f"(the same things waiting, {args.large}x the collaborations)"
    )
    print(
        f"waiting_for time ratio {args.large} busy / 1: {ratio:.2f}  goal <= {TODO_TIME_GOAL}: "
        f"{'met' if ratio <= TODO_TIME_GOAL else 'NOT met'}  ({args.large}x the collaborations and the items)"
    )
    print(f"dashboard time ratio {args.large} / 1:   {page_ratio:.2f}  (no goal; the page lists every item)")
    if ratio > TODO_TIME_GOAL or args.profile:
        parts = breakdown_todo(people)
        print()
        print(f"waiting_for() by part, ms (median of 10 calls each, without a profiler): 1 -> {args.large}")
        growth = sorted(COLLECTORS + ("the rest",), key=lambda n: parts["small"][n] - parts["large"][n])
        print(
            "   "
            + "; ".join(
                f"{name.lstrip('_')} {parts['small'][name]:.1f} -> {parts['large'][name]:.1f}" for name in growth
            )
        )
        print(f"   total {parts['small']['total']:.1f} -> {parts['large']['total']:.1f}")
        rounds, table = profile_todo(people["large"]["user"])
        print()
        print(f"cProfile of waiting_for() for the person in {args.large}, {rounds} calls, by cumulative time:")
        print(table)
    # The goal is the cost of having many collaborations: the same things waiting in 1 or in 50 (the busy
    # person's list is 50 times as long, and its building grows with it: printed, not checked).
    return same and page_same, quiet_ratio


# 2. send_reminders -------------------------------------------------------------------------------

KINDS = ("section", "decision", "minutes", "measure")


def member_roles(per_collaboration):
    """[(party index, role)] of a collaboration's members: the kommun's coordinator, the förening's
    coordinator, then editors in turn (the fifth, the kommun's, a reader)."""
    from projects.core.models import Role

    roles = []
    for k in range(per_collaboration):
        if k < 2:
            role = Role.COORDINATOR
        elif k == 4:
            role = Role.READER
        else:
            role = Role.EDITOR
        roles.append((k % 2, role))
    return roles


def build_reminders(args, progress):
    """--collaborations collaborations of --people people, each with one deadline in the window.
    Returns the recipients the data calls for: {kind: count}."""
    from django.utils import timezone

    from projects.agreements import permissions as agreement_perms
    from projects.agreements.models import Agreement, AgreementVersion
    from projects.checklists import permissions as checklist_perms
    from projects.checklists.models import ChecklistSection
    from projects.core.models import Collaboration, Membership, Organisation, Party, Sector
    from projects.core.permissions import is_coordinator_role, policy
    from projects.goals import permissions as goal_perms
    from projects.goals.models import Goal, Indicator
    from projects.meetings.models import Meeting, MeetingParticipant

    today = timezone.localdate()
    now = timezone.now()
    sections, joint, _question = default_section_ids()
    per = args.people // args.collaborations
    roles = member_roles(per)
    writers = set(policy.roles_for(checklist_perms.EDIT_ANSWER))
    measurers = set(policy.roles_for(goal_perms.RECORD_MEASUREMENT))
    recorders_roles = set(policy.roles_for(agreement_perms.RECORD_DECISION))
    # Whom each kind reaches in one collaboration, by the rules (not by the code under test).
    decision_people = 0
    for party in (0, 1):
        mine = [role for p, role in roles if p == party and role in recorders_roles]
        coordinators = [role for role in mine if is_coordinator_role(role)]
        decision_people += len(coordinators or mine)
    reach = {
        "section": sum(role in writers for _p, role in roles),
        "decision": decision_people,
        "minutes": sum(1 for k in range(per) if k != 4),  # the reader (the fifth) has approved
        "measure": sum(role in measurers for _p, role in roles),
    }
    expected = Counter()
    kommuner = Organisation.objects.bulk_create(
        Organisation(name=f"Kommun {n}", sector=Sector.KOMMUN, municipality=f"Kommun {n}") for n in range(290)
    )
    foreningar = Organisation.objects.bulk_create(
        Organisation(name=f"Förening {n}", sector=Sector.IDEELL_FORENING)
        for n in range(max(args.collaborations // 5, 1))
    )
    made = 0
    while made < args.collaborations:
        size = min(BATCH, args.collaborations - made)
        users = bulk_users("person-", size * per, start=made * per)
        collaborations = Collaboration.objects.bulk_create(
            Collaboration(
                title=f"Samverkan {made + n:04}",
                created_by=users[per * n],
                start_date=today - timedelta(days=200),
                end_date=today + timedelta(days=500),
            )
            for n in range(size)
        )
        parties = Party.objects.bulk_create(
            party
            for n, c in enumerate(collaborations)
            for party in (
                Party(collaboration=c, organisation=kommuner[(made + n) % len(kommuner)], is_coordinating=True),
                Party(collaboration=c, organisation=foreningar[(made + n) % len(foreningar)]),
            )
        )
        Membership.objects.bulk_create(
            Membership(collaboration=c, party=parties[2 * n + party], user=users[per * n + k], role=role)
            for n, c in enumerate(collaborations)
            for k, (party, role) in enumerate(roles)
        )
        kind_of = {c.pk: KINDS[(made + n) % 4] for n, c in enumerate(collaborations)}
        due_of = {
            c.pk: today + timedelta(days=0 if ((made + n) // 4) % 2 == 0 else 7) for n, c in enumerate(collaborations)
        }
        for kind in kind_of.values():
            expected[kind] += reach[kind]
        ChecklistSection.objects.bulk_create(
            ChecklistSection(
                collaboration=c,
                section_id=section_id,
                answer_mode=mode,
                added_by=users[per * n],
                due_date=due_of[c.pk] if section_id == joint and kind_of[c.pk] == "section" else None,
            )
            for n, c in enumerate(collaborations)
            for section_id, mode in sections
        )
        deciding = [(n, c) for n, c in enumerate(collaborations) if kind_of[c.pk] == "decision"]
        agreements = Agreement.objects.bulk_create(
            Agreement(collaboration=c, title=c.title, state=Agreement.State.FOR_DECISION) for _n, c in deciding
        )
        AgreementVersion.objects.bulk_create(
            AgreementVersion(
                agreement=a,
                number=1,
                content={},
                content_hash="x",
                status=AgreementVersion.Status.FOR_DECISION,
                frozen_by=users[per * n],
                decide_by=due_of[c.pk],
            )
            for (n, c), a in zip(deciding, agreements, strict=True)
        )
        meeting_rows = [(n, c) for n, c in enumerate(collaborations) if kind_of[c.pk] == "minutes"]
        meetings = Meeting.objects.bulk_create(
            Meeting(
                collaboration=c,
                title=f"Styrgrupp {made + n}",
                starts_at=now - timedelta(days=3),
                ends_at=now - timedelta(days=3) + timedelta(hours=2),
                minutes="§ 1 Mötet öppnas\n§ 2 Föregående protokoll",
                minutes_version=1,
                minutes_due=due_of[c.pk],
                uid=f"{secrets.token_hex(16)}@samverkan",
            )
            for n, c in meeting_rows
        )
        MeetingParticipant.objects.bulk_create(
            MeetingParticipant(
                meeting=meeting,
                party=parties[2 * n + party],
                user=users[per * n + k],
                name=users[per * n + k].full_name,
                approved_minutes_at=now if k == 4 else None,
                approved_version=1 if k == 4 else None,
            )
            for (n, _c), meeting in zip(meeting_rows, meetings, strict=True)
            for k, (party, _role) in enumerate(roles)
        )
        measuring = [(n, c) for n, c in enumerate(collaborations) if kind_of[c.pk] == "measure"]
        goals = Goal.objects.bulk_create(
            Goal(
                collaboration=c,
                title=f"Mål {made + n}",
                measure_by=due_of[c.pk],
                measure_requested_at=now - timedelta(days=14),
            )
            for n, c in measuring
        )
        Indicator.objects.bulk_create(
            Indicator(
                goal=goal,
                name="Deltagare",
                unit="deltagare",
                baseline=10,
                baseline_date=today - timedelta(days=365),
                target=20,
                target_date=today + timedelta(days=365),
            )
            for goal in goals
        )
        made += size
        progress(made)
    return expected


def run_reminders(profile=False):
    """One call_command("send_reminders"): its time, statements (count, time in the database, by
    shape), the time spent sending (the tasks run after the deadlines' transaction commits: every
    call of services.enqueue), what the command said, and with ``profile`` cProfile's table."""
    from django.core.management import call_command

    from projects.notifications import services

    wrapper, counter = counting()
    profiler = cProfile.Profile() if profile else None
    out = io.StringIO()
    sending = [0.0]
    enqueue = services.enqueue

    def timed_enqueue(notice_ids):  # looked up by the on_commit lambda in services when it runs
        began = time.perf_counter()
        try:
            return enqueue(notice_ids)
        finally:
            sending[0] += time.perf_counter() - began

    services.enqueue = timed_enqueue
    try:
        with wrapper:
            began = time.perf_counter()
            if profiler:
                profiler.enable()
            call_command("send_reminders", stdout=out)
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - began
    finally:
        services.enqueue = enqueue
    table = None
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(22)
        table = _trim_stats(text.getvalue())
    return {
        "seconds": elapsed,
        "statements": counter.count,
        "db": counter.seconds,
        "sending": sending[0],
        "top": counter.top(),
        "said": out.getvalue().strip(),
        "table": table,
    }


def outbox_pairs(messages):
    return Counter((m.to[0], m.subject) for m in messages)


def measure_reminders(args, expected):
    from django.core import mail

    from projects.notifications.models import Notice

    mail.outbox = []
    first = run_reminders(profile=args.profile)
    sent = list(mail.outbox)
    notices = Notice.objects.count()
    statuses = Counter(Notice.objects.values_list("status", flat=True))
    recipients = Notice.objects.values("user").distinct().count()
    keys = Counter(Notice.objects.values_list("key", flat=True))
    stored_ids = set(Notice.objects.exclude(message_id="").values_list("message_id", flat=True))
    sent_ids = [m.extra_headers.get("Message-ID") for m in sent]
    second = run_reminders()
    again_sent = len(mail.outbox) - len(sent)
    again_notices = Notice.objects.count() - notices
    return {
        "first": first,
        "second": second,
        "notices": notices,
        "statuses": statuses,
        "recipients": recipients,
        "emails": len(sent),
        "pairs": outbox_pairs(sent),
        "kinds_sent": Counter(key.split(":")[1] for key in keys.elements()),
        "ids_match": set(sent_ids) == stored_ids and len(sent_ids) == len(set(sent_ids)),
        "again_sent": again_sent,
        "again_notices": again_notices,
        "expected": expected,
    }


def _shapes(top):
    return "; ".join(f"{shape} {n:,} {seconds:.1f}" for shape, n, seconds in top)


def report_reminders(args, r):
    first, second = r["first"], r["second"]
    seconds, statements = first["seconds"], first["statements"]
    expected = sum(r["expected"].values())
    pairs = r["pairs"]
    twice = sum(1 for n in pairs.values() if n > 1)
    print()
    print(
        f"-- 2. send_reminders: {args.people:,} people in {args.collaborations:,} collaborations, "
        f"each with one deadline (today or in 7 days) --"
    )
    print(
        "   deadlines by kind: "
        + ", ".join(f"{k} {args.collaborations // 4 + (i < args.collaborations % 4)}" for i, k in enumerate(KINDS))
    )
    print(
        f"   first run:  {seconds:.1f} s{' (under cProfile)' if args.profile else ''}, {statements:,} statements "
        f"({first['db']:.1f} s in the database); sending after the commit {first['sending']:.1f} s of it"
    )
    print("               statements by shape (count, seconds): " + _shapes(first["top"]))
    print(f"               the command said: {first['said']}")
    print(
        f"   notices recorded {r['notices']:,} (the data calls for {expected:,}: "
        + ", ".join(f"{k} {r['expected'][k]:,}" for k in KINDS)
        + "); recorded by kind: "
        + ", ".join(f"{k} {r['kinds_sent'].get(k, 0):,}" for k in KINDS)
    )
    print("   statuses: " + ", ".join(f"{k} {n:,}" for k, n in sorted(r["statuses"].items())))
    print(
        f"   e-mails {r['emails']:,}, distinct (recipient, subject) {len(pairs):,}, sent more than once {twice}, "
        f"recipients {r['recipients']:,}; Message-IDs sent = those stored: {'yes' if r['ids_match'] else 'NO'}"
    )
    per_recipient = statements / r["recipients"] if r["recipients"] else float("nan")
    per_email = statements / r["emails"] if r["emails"] else float("nan")
    ms_per_email = seconds * 1000 / r["emails"] if r["emails"] else float("nan")
    print(
        f"   statements per recipient {per_recipient:.2f}, per e-mail {per_email:.2f}; {ms_per_email:.1f} ms per e-mail"
    )
    print(
        f"   second run: {second['seconds']:.1f} s, {second['statements']:,} statements ({second['db']:.1f} s in the "
        f"database); new notices {r['again_notices']}, new e-mails {r['again_sent']}"
    )
    print("               statements by shape (count, seconds): " + _shapes(second["top"]))
    once = (
        r["notices"] == expected
        and r["emails"] == r["notices"]
        and len(pairs) == r["emails"]
        and r["again_sent"] == 0
        and r["again_notices"] == 0
        and r["ids_match"]
        and r["statuses"].get("sent", 0) == r["notices"]
    )
    print(f"each notice recorded and sent exactly once, nothing on the second run: {'yes' if once else 'NO'}")
    if first["table"]:
        print()
        print("cProfile of the first run, by cumulative time:")
        print(first["table"])
    return once


# 3. Concurrency ----------------------------------------------------------------------------------


def in_threads(target, count=2):
    """Run ``target()`` in ``count`` threads released together; returns their results (or raises the
    first error). Each thread has its own connection, closed at its end."""
    from django.db import connection

    barrier = threading.Barrier(count)
    results = [None] * count
    errors = []

    def run(index):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            results[index] = target()
        except BaseException as error:  # noqa: BLE001 (reported in the main thread)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():  # joined in slices, so the hard stop (SIGALRM) reaches the main thread
            thread.join(0.5)
    if errors:
        raise Abort(f"a thread failed: {type(errors[0]).__name__}: {errors[0]}")
    return results, time.perf_counter() - began


def concurrency(args):
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.utils import timezone

    from projects.agreements.models import AgreementVersion
    from projects.checklists.models import ChecklistSection
    from projects.goals.models import Goal
    from projects.meetings.models import Meeting
    from projects.notifications import services as notices
    from projects.notifications.models import Kind, Notice

    now = timezone.now()
    users = list(get_user_model().objects.filter(email__startswith="person-").order_by("pk")[: args.pending])
    mail.outbox = []
    made = Notice.objects.bulk_create(
        Notice(
            user=user,
            kind=Kind.DEADLINE,
            key=f"bench:concurrent:{n}",
            subject=f"Samtidigt {n}",
            body="Två som skickar samtidigt.",
            path="/",
            created_at=now - timedelta(minutes=10),  # retry_due takes a notice a lost task left after 5 minutes
        )
        for n, user in enumerate(users)
    )
    results, seconds = in_threads(lambda: notices.retry_due())
    pending = Notice.objects.filter(key__startswith="bench:concurrent:")
    statuses = Counter(pending.values_list("status", flat=True))
    per_notice = Counter(m.subject for m in mail.outbox if m.subject.split(" ", 1)[-1].startswith("Samtidigt"))
    retry = {
        "notices": len(made),
        "sent_by": [r.sent for r in results],
        "seconds": seconds,
        "emails": sum(per_notice.values()),
        "twice": sum(1 for n in per_notice.values() if n > 1),
        "missing": len(made) - len(per_notice),
        "statuses": statuses,
    }
    # Two send_reminders at once, on the deadlines moved a day (today → tomorrow, in 7 days → in 6): new keys.
    before_notices = Notice.objects.count()
    mail.outbox = []
    today = timezone.localdate()
    for model, field in (
        (ChecklistSection, "due_date"),
        (AgreementVersion, "decide_by"),
        (Meeting, "minutes_due"),
        (Goal, "measure_by"),
    ):
        model.objects.filter(**{field: today}).update(**{field: today + timedelta(days=1)})
        model.objects.filter(**{field: today + timedelta(days=7)}).update(**{field: today + timedelta(days=6)})
    outputs = io.StringIO(), io.StringIO()

    def reminders(out):
        from django.core.management import call_command

        call_command("send_reminders", stdout=out)

    counter = iter(outputs)
    lock = threading.Lock()

    def target():
        with lock:
            out = next(counter)
        reminders(out)
        return out.getvalue().strip()

    said, seconds2 = in_threads(target)
    new = Notice.objects.filter(pk__gt=max(n.pk for n in made))
    pairs = outbox_pairs(mail.outbox)
    new_statuses = Counter(new.values_list("status", flat=True))
    both = {
        "notices": Notice.objects.count() - before_notices,
        "emails": len(mail.outbox),
        "pairs": len(pairs),
        "twice": sum(1 for n in pairs.values() if n > 1),
        "statuses": new_statuses,
        "seconds": seconds2,
        "said": said,
    }
    return retry, both


def report_concurrency(retry, both):
    print()
    print("-- 3. Concurrency on PostgreSQL: two threads, two connections, released together --")
    print(
        f"   retry_due x 2 over {retry['notices']:,} waiting notices: {retry['seconds']:.1f} s; sent by the two: "
        f"{' + '.join(f'{n:,}' for n in retry['sent_by'])}; e-mails {retry['emails']:,}, notices e-mailed twice "
        f"{retry['twice']}, never {retry['missing']}; statuses "
        + ", ".join(f"{k} {n:,}" for k, n in sorted(retry["statuses"].items()))
    )
    print(
        f"   send_reminders x 2 (deadlines moved a day): {both['seconds']:.1f} s; "
        f"notices recorded {both['notices']:,}, "
        f"e-mails {both['emails']:,}, distinct (recipient, subject) {both['pairs']:,}, sent twice {both['twice']}; "
        f"statuses " + ", ".join(f"{k} {n:,}" for k, n in sorted(both["statuses"].items()))
    )
    for n, text in enumerate(both["said"], 1):
        print(f"   the command in thread {n} said: {text}")
    once = (
        retry["twice"] == 0
        and retry["missing"] == 0
        and retry["emails"] == retry["notices"]
        and both["twice"] == 0
        and both["emails"] == both["notices"] == both["pairs"]
        and both["statuses"].get("sent", 0) == both["notices"]
    )
    print(f"each notice sent exactly once with two senders at once: {'yes' if once else 'NO'}")
    return once


# Main --------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", type=int, default=50, help="collaborations of the busy person (50)")
    parser.add_argument("--repeat", type=int, default=15, help="measured rounds of the to-do list (15)")
    parser.add_argument("--people", type=int, default=10_000, help="people for send_reminders (10,000)")
    parser.add_argument("--collaborations", type=int, default=2_000, help="their collaborations (2,000)")
    parser.add_argument("--pending", type=int, default=2_000, help="notices for the concurrent retry_due (2,000)")
    parser.add_argument("--only", choices=("todo", "reminders"), help="only the to-do list, or only the reminders")
    parser.add_argument("--no-concurrency", action="store_true", help="skip the two-thread check")
    parser.add_argument("--profile", action="store_true", help="cProfile waiting_for and the first send_reminders")
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="a diagnosis: SET synchronous_commit = off on the benchmark's connections (PostgreSQL), to see "
        "what the commits (the WAL flush of each autocommitted UPDATE) cost",
    )
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--database-url", default=f"{PG_SERVER}/{DATABASE}", help="the scratch PostgreSQL database")
    parser.add_argument("--keep-database", action="store_true", help="leave the database for inspection")
    parser.add_argument("--check", action="store_true", help="exit with 2 when a goal is not met")
    args = parser.parse_args(argv)
    if args.large < 2 or args.repeat < 1 or args.collaborations < 4 or args.pending < 1:
        parser.error("--large at least 2, --repeat positive, --collaborations at least 4, --pending positive")
    if args.people < 2 * args.collaborations:
        parser.error("--people must be at least twice --collaborations (a person of each party)")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = datetime.now(UTC)
    load_before = os.getloadavg()[0]
    # Mail stays in this process (locmem), tasks run in it (Immediate), the log is quiet.
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.pop("EMAIL_HOST", None)
    os.environ.pop("TASK_BACKEND", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    limit = int(LIMIT_BASE + LIMIT_PER_COLLABORATION * args.collaborations)
    with Guard(limit) as guard:
        signal.signal(signal.SIGALRM, _hard_stop)  # the alarm Guard set stays; see HardStop
        try:
            return run(args, guard, started, load_before)
        except HardStop:
            raise Abort(f"the run took longer than its time limit ({limit} s) and was stopped") from None
    return guard.status


def run(args, guard, started, load_before):
    db = create_database(args.database_url, sqlite=args.sqlite)
    if not args.keep_database:
        guard.cleanups.append(lambda: drop_database(db))
    setup_django(db)
    from django.conf import settings
    from django.db import connection

    if settings.EMAIL_BACKEND != "django.core.mail.backends.locmem.EmailBackend":
        raise Abort(f"the e-mail backend is {settings.EMAIL_BACKEND}, not locmem")
    tasks = settings.TASKS["default"]["BACKEND"]
    if not tasks.endswith("ImmediateBackend"):
        raise Abort(f"the task backend is {tasks}, not the Immediate one")

    if args.async_commit and db.vendor == "postgresql":
        from django.db.backends.signals import connection_created

        def no_flush(sender, connection, **kwargs):
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")

        connection_created.connect(no_flush, weak=False)
        connection.close()

    def analyze():
        if db.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    clock = time.monotonic()
    migrate_and_load_guides()
    print(f"migrated in {time.monotonic() - clock:.0f} s", flush=True)
    print()
    print("== Samverkan: Väntar på dig and send_reminders (bench/notices.py) ==")
    print(f"date       {started:%Y-%m-%d %H:%M} UTC")
    print(f"database   {db.label}")
    print("mail       locmem (in this process); tasks: Immediate backend (in this process)")
    if args.async_commit and db.vendor == "postgresql":
        print("diagnosis  synchronous_commit = off on the benchmark's connections (--async-commit)")
    failed = False
    if args.only != "reminders":
        clock = time.monotonic()
        people = build_todo(args)
        analyze()
        print(f"(the to-do list's data built in {time.monotonic() - clock:.0f} s)", flush=True)
        result = measure_todo(people, args.repeat)
        equal, ratio = report_todo(args, people, result)
        failed |= not equal or ratio > TODO_TIME_GOAL
        from projects.core.models import Collaboration

        pks = [pk for data in people.values() for pk in data["pks"]]
        Collaboration.objects.filter(pk__in=pks).update(archived=True)  # nothing of theirs is reminded of
    if args.only != "todo":
        clock = time.monotonic()

        def progress(made):
            print(
                f"   built {made:,} of {args.collaborations:,} collaborations ({time.monotonic() - clock:.0f} s)",
                flush=True,
            )

        expected = build_reminders(args, progress)
        analyze()
        print(f"(the reminders' data built in {time.monotonic() - clock:.0f} s)", flush=True)
        r = measure_reminders(args, expected)
        failed |= not report_reminders(args, r)
        if db.vendor != "postgresql":
            print()
            print("-- 3. Concurrency: skipped on SQLite (one writer at a time; the question is PostgreSQL's) --")
        elif args.no_concurrency:
            print()
            print("-- 3. Concurrency: skipped (--no-concurrency) --")
        else:
            retry, both = concurrency(args)
            failed |= not report_concurrency(retry, both)
    print()
    print(f"machine    {machine_line(load_before)}")
    return 2 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
