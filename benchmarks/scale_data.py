"""A large installation for `make bench-pages`, written with PostgreSQL's COPY.

On top of the demo (which the caller has loaded: the same logins and pages exist
in both databases) it adds, all fictional (example.org):

- 300 organisations and 50,000 people in them;
- 300 programmes of 60 of those organisations, 2,000 cohorts over five years
  back and one ahead, three sessions each;
- 100,000 registrations (with their audit rows), among them one demo cohort
  grown to about 2,000 people (the "large cohort" the exports and the
  organiser's page are measured on);
- 5 years of course evaluations: a form per organiser, an evaluation per past
  cohort, anonymous responses and answers, ten past cohorts of the demo's ESV
  programme with evaluations on ESV's own form;
- 200 networks with 10,000 memberships, 200 peer-group rounds with 2,000
  published groups and 16,000 members.

Run inside Django (DATABASE_URL on PostgreSQL):
`python benchmarks/scale_data.py` prints one JSON line with the counts and
seconds. Rows are written with explicit keys after the highest existing one and
the sequences are moved on afterwards, so the ORM keeps working.
"""

import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 50_000
ORGANISATIONS = 300
ORGANISERS = 60
PROGRAMMES = 300
COHORTS = 2_000
REGISTRATIONS = 100_000
LARGE_COHORT = 2_000
NETWORKS = 200
MEMBERS_PER_NETWORK = 50
ROUNDS = 200
GROUPS_PER_ROUND = 10
GROUP_SIZE = 8
YEARS = 5


def _words(text):
    return text.split()


FIRST = _words("""
    Anna Erik Maria Lars Karin Johan Sara Anders Emma Per Elin Mikael Ida
    Fredrik Linnea Magnus Sofia Jonas Hanna Henrik Maja Niklas Ebba Oskar Lena
    Gustav Malin Viktor Helena Aino Mikko Liisa Satu Antti Kaisa Timo Elina
    Ville
""")
LAST = _words("""
    Lindqvist Bergström Holmberg Sandberg Ekström Forsberg Lundgren Nyberg
    Åkesson Wallin Hedberg Sjöholm Engström Björk Dahlgren Falk Granlund
    Hellström Virtanen Mäkelä Koskinen Heikkilä Laaksonen Salonen Nieminen
    Lehtonen Rantanen
""")
KINDS = [
    ("municipality", "municipal"),
    ("agency", "state"),
    ("region", "regional"),
    ("university", "state"),
]
ROLES = ["unit_manager", "department_head", "director", "strategist", "other"]
LEVELS = ["first_line", "middle", "senior", "top", "none"]
FORMATS = ["digital", "blended", "on_site"]
TOPICS = [
    "Strategiskt ledarskap",
    "Förändringsledning",
    "Tillitsbaserad styrning",
    "Digital ledning",
    "Arbetsmiljö och hälsa",
    "Ekonomistyrning för chefer",
    "Medarbetarskap",
    "Kommunikativt ledarskap",
]


def targets():
    """The demo objects the benchmark measures, found the same way in both
    databases (the large one starts as a copy of the demo, so keys match)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from tillit.core.models import Organisation, Person
    from tillit.programmes.models import Cohort, Programme

    today = timezone.localdate()
    adda = Person.objects.get(email="arrangor.adda@example.org")
    large = (
        Cohort.objects.filter(
            programme__organiser__staff=adda,
            programme__kind=Programme.Kind.PROGRAMME,
            programme__is_internal=False,
            starts_on__gt=today,
        )
        .annotate(
            n=Count("registrations", filter=~Q(registrations__status="cancelled"))
        )
        .order_by("-n", "pk")
        .first()
    )
    esv = Person.objects.get(email="arrangor.esv@example.org")
    esv_programme = (
        Programme.objects.filter(organiser__staff=esv, kind=Programme.Kind.PROGRAMME)
        .order_by("pk")
        .first()
    )
    hr = Person.objects.get(email="hr.linkoping@example.org")
    return {
        "large_cohort": large.pk,
        "large_programme": large.programme_id,
        "large_programme_slug": large.programme.slug,
        "esv_programme": esv_programme.pk,
        "hr_organisation": Organisation.objects.filter(employer_contacts=hr)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
    }


class Writer:
    """COPY rows of a model: every concrete column, values as the ORM would
    store them, defaults (and auto_now) filled in for columns not given."""

    def __init__(self, connection):
        self.connection = connection
        from django.utils import timezone

        self.now = timezone.now()
        self.counts = {}

    def next_id(self, model):
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}"
            )
            return cursor.fetchone()[0]

    def copy(self, model, rows):
        fields = list(model._meta.concrete_fields)
        fixed = {}
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(
                field, "auto_now_add", False
            ):
                fixed[field.attname] = self.now
            elif field.has_default() and not field.primary_key:
                fixed[field.attname] = field.get_default()
            elif field.null:
                fixed[field.attname] = None
            elif not field.primary_key:
                fixed[field.attname] = ""
        table = model._meta.db_table
        columns = ", ".join(f'"{f.column}"' for f in fields)
        prepare = [(f.attname, f.get_db_prep_save) for f in fields]
        # Texts written per language (django-modeltranslation): a row's `title`
        # is its Swedish text too, as the default language's column is what a
        # reader falls back to (the untranslated column is never read).
        attnames = {f.attname for f in fields}
        swedish = {name: f"{name}_sv" for name in attnames if f"{name}_sv" in attnames}
        n = 0
        with self.connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    for name, column in swedish.items():
                        if name in row and column not in row:
                            row[column] = row[name]
                    copy.write_row(
                        [
                            prep(
                                row[name] if name in row else fixed[name],
                                self.connection,
                            )
                            for name, prep in prepare
                        ]
                    )
                    n += 1
            pk = model._meta.pk
            if pk.get_internal_type() in ("AutoField", "BigAutoField"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{pk.column}'), "
                    f"(SELECT MAX({pk.column}) FROM {table}))"
                )
        self.counts[table] = self.counts.get(table, 0) + n
        return n


def build(seed=2026):
    from django.db import connection, transaction
    from django.utils import timezone

    from tillit.core.models import Organisation, Person
    from tillit.evaluations.models import (
        Answer,
        Evaluation,
        EvaluationForm,
        Question,
        Receipt,
        Response,
    )
    from tillit.groups.models import GroupMember, GroupRound, PeerGroup
    from tillit.networks.models import Membership, Network
    from tillit.programmes.models import Cohort, Programme, Session, Theme
    from tillit.registrations.models import Registration, RegistrationEvent

    rng = random.Random(seed)
    started = time.monotonic()
    spots = targets()
    w = Writer(connection)
    now = w.now
    today = timezone.localdate()
    tz = timezone.get_current_timezone()

    def at(day, hour):
        return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=tz)

    with transaction.atomic():
        # Organisations and people.
        org0 = w.next_id(Organisation)
        orgs = []
        for i in range(ORGANISATIONS):
            kind, sector = KINDS[i % len(KINDS)]
            finnish = i % 6 == 5
            orgs.append(
                {
                    "id": org0 + i,
                    "name": f"Exempel{'kunta' if finnish else 'kommun'} {i + 1}",
                    "short_name": f"EX{i + 1}",
                    "kind": kind,
                    "sector": sector,
                    "country": "FI" if finnish else "SE",
                    "time_zone": "Europe/Helsinki" if finnish else "Europe/Stockholm",
                }
            )
        w.copy(Organisation, orgs)
        org_ids = [o["id"] for o in orgs]
        person0 = w.next_id(Person)
        people = (
            {
                "id": person0 + i,
                "email": f"chef{i + 1}.skala@example.org",
                "password": "!" + uuid.uuid4().hex,
                "first_name": FIRST[i % len(FIRST)],
                "last_name": LAST[(i // len(FIRST)) % len(LAST)],
                "title": "Enhetschef",
                "role_category": ROLES[i % len(ROLES)],
                "managerial_level": LEVELS[i % len(LEVELS)],
                "organisation_id": org_ids[i % ORGANISATIONS],
                "date_joined": now,
                "is_active": True,
            }
            for i in range(PEOPLE)
        )
        w.copy(Person, people)
        person_ids = list(range(person0, person0 + PEOPLE))
        staff_table = Organisation.staff.through
        staff0 = w.next_id(staff_table)
        w.copy(
            staff_table,
            [
                {
                    "id": staff0 + i,
                    "organisation_id": org_ids[i],
                    "person_id": person_ids[i],
                }
                for i in range(ORGANISERS)
            ],
        )

        # Programmes, cohorts, sessions.
        theme_ids = list(Theme.objects.values_list("pk", flat=True))
        prog0 = w.next_id(Programme)
        programmes = []
        for i in range(PROGRAMMES):
            topic = TOPICS[i % len(TOPICS)]
            programmes.append(
                {
                    "id": prog0 + i,
                    "organiser_id": org_ids[i % ORGANISERS],
                    "kind": "programme",
                    "title": f"{topic} {i + 1}",
                    "slug": f"skala-program-{i + 1}",
                    "summary": f"{topic} för chefer i offentlig sektor.",
                    "description": "Ett fiktivt program i testinstallationen.",
                    "format": FORMATS[i % len(FORMATS)],
                    "is_published": True,
                    "is_internal": False,
                    "created_at": now,
                }
            )
        w.copy(Programme, programmes)
        if theme_ids:
            through = Programme.themes.through
            t0 = w.next_id(through)
            w.copy(
                through,
                [
                    {
                        "id": t0 + i,
                        "programme_id": prog0 + i,
                        "theme_id": theme_ids[i % len(theme_ids)],
                    }
                    for i in range(PROGRAMMES)
                ],
            )

        def cohort_row(cohort_id, programme_id, name, start):
            """A two-month cohort of 40 whose registration opens 90 days ahead."""
            return {
                "id": cohort_id,
                "programme_id": programme_id,
                "name": name,
                "starts_on": start,
                "ends_on": start + dt.timedelta(days=60),
                "capacity": 40,
                "registration_opens_at": at(start - dt.timedelta(days=90), 9),
                "registration_closes_at": at(start - dt.timedelta(days=7), 17),
                "location": "Stockholm",
            }

        per = COHORTS // PROGRAMMES + 1
        cohort0 = w.next_id(Cohort)
        cohorts = []
        for i in range(COHORTS):
            p, k = i % PROGRAMMES, i // PROGRAMMES
            start = (
                today
                - dt.timedelta(days=YEARS * 365)
                + dt.timedelta(days=k * (YEARS * 365 + 300) // per + (p * 7) % 150)
            )
            cohorts.append(
                cohort_row(
                    cohort0 + i, prog0 + p, f"Omgång {k + 1} {start.year}", start
                )
            )
        # Ten past cohorts of ESV's programme, two a year, for its results.
        for j in range(2 * YEARS):
            start = today - dt.timedelta(days=YEARS * 365 - j * 182)
            cohorts.append(
                cohort_row(
                    cohort0 + COHORTS + j,
                    spots["esv_programme"],
                    f"Tidigare omgång {j + 1} ({start.year})",
                    start,
                )
            )
        w.copy(Cohort, cohorts)
        session0 = w.next_id(Session)
        sessions = []
        for c in cohorts:
            for s in range(3):
                day = c["starts_on"] + dt.timedelta(days=s * 28)
                sessions.append(
                    {
                        "id": session0 + len(sessions),
                        "cohort_id": c["id"],
                        "title": f"Sammankomst {s + 1}",
                        "starts_at": at(day, 9),
                        "ends_at": at(day, 16),
                        "mode": "on_site",
                        "location": "Stockholm",
                        "sequence": 0,
                        "modified_at": now,
                    }
                )
        w.copy(Session, sessions)

        # Registrations: the large cohort, then the rest spread over the new
        # cohorts; past cohorts confirmed (one in ten cancelled), upcoming ones
        # full with the rest on the waitlist.
        Cohort.objects.filter(pk=spots["large_cohort"]).update(capacity=LARGE_COHORT)
        large = Cohort.objects.get(pk=spots["large_cohort"])
        taken = set(
            Registration.objects.filter(cohort=large)
            .exclude(status="cancelled")
            .values_list("person_id", flat=True)
        )
        reg0 = w.next_id(Registration)
        regs = []

        def add(cohort_id, person_id, status, created, **extra):
            regs.append(
                {
                    "id": reg0 + len(regs),
                    "cohort_id": cohort_id,
                    "person_id": person_id,
                    "status": status,
                    "created_at": created,
                    "confirmed_at": created if status == "confirmed" else None,
                    **extra,
                }
            )

        opened = large.registration_opens_at
        for n, person_id in enumerate(person_ids[: LARGE_COHORT - len(taken)]):
            status = (
                "confirmed" if n < LARGE_COHORT - len(taken) - 100 else "waitlisted"
            )
            add(large.pk, person_id, status, opened + dt.timedelta(seconds=n))
        per_cohort = (REGISTRATIONS - len(regs)) // len(cohorts)
        for c in cohorts:
            past = c["ends_on"] < today
            chosen = rng.sample(person_ids, per_cohort)
            for n, person_id in enumerate(chosen):
                created = c["registration_opens_at"] + dt.timedelta(minutes=n)
                if past and n % 10 == 9:
                    add(
                        c["id"],
                        person_id,
                        "cancelled",
                        created,
                        cancelled_at=created + dt.timedelta(days=3),
                        end_reason="cancelled",
                    )
                elif past or n < c["capacity"]:
                    add(c["id"], person_id, "confirmed", created)
                else:
                    add(c["id"], person_id, "waitlisted", created)
        w.copy(Registration, regs)
        event0 = w.next_id(RegistrationEvent)
        w.copy(
            RegistrationEvent,
            (
                {
                    "id": event0 + i,
                    "registration_id": r["id"],
                    "action": "waitlisted"
                    if r["status"] == "waitlisted"
                    else "registered",
                    "actor_id": r["person_id"],
                    "at": r["created_at"],
                }
                for i, r in enumerate(regs)
            ),
        )

        # Five years of evaluations.
        form0 = w.next_id(EvaluationForm)
        forms = [
            {
                "id": form0 + i,
                "organisation_id": org_ids[i],
                "title": "Kursutvärdering",
                "created_at": now,
            }
            for i in range(ORGANISERS)
        ]
        w.copy(EvaluationForm, forms)
        question0 = w.next_id(Question)
        kinds = [
            ("likert", "Helhetsbetyg"),
            ("likert", "Nytta i arbetet"),
            ("nps", "Skulle du rekommendera programmet?"),
            ("text", "Kommentar"),
        ]
        questions = []
        for f in forms:
            for position, (kind, text) in enumerate(kinds):
                questions.append(
                    {
                        "id": question0 + len(questions),
                        "form_id": f["id"],
                        "position": position,
                        "kind": kind,
                        "text": text,
                        "choices": [],
                    }
                )
        esv_form = (
            EvaluationForm.objects.filter(
                organisation__programmes=spots["esv_programme"]
            )
            .order_by("pk")
            .first()
        )
        esv_questions = list(esv_form.questions.all()) if esv_form else []
        w.copy(Question, questions)
        questions_of = {}
        for q in questions:
            questions_of.setdefault(q["form_id"], []).append(q)
        evaluation0 = w.next_id(Evaluation)
        evaluations, responses, answers, receipts = [], [], [], []
        confirmed = {}
        for r in regs:
            if r["status"] == "confirmed":
                confirmed.setdefault(r["cohort_id"], []).append(r["person_id"])
        for c in cohorts:
            if c["ends_on"] >= today - dt.timedelta(days=20):
                continue
            esv = c["programme_id"] == spots["esv_programme"]
            if esv and esv_form is None:
                continue
            form_id = (
                esv_form.pk
                if esv
                else forms[(c["programme_id"] - prog0) % ORGANISERS]["id"]
            )
            opens = at(c["ends_on"], 17)
            evaluation_id = evaluation0 + len(evaluations)
            evaluations.append(
                {
                    "id": evaluation_id,
                    "form_id": form_id,
                    "cohort_id": c["id"],
                    "opens_at": opens,
                    "closes_at": opens + dt.timedelta(days=14),
                    "invited_at": opens,
                    "anonymous": True,
                    "open_days": 14,
                }
            )
            these = (
                [
                    {"id": q.pk, "kind": q.kind, "choices": q.choices}
                    for q in esv_questions
                ]
                if esv
                else questions_of[form_id]
            )
            for person_id in confirmed.get(c["id"], [])[::2]:
                response_id = uuid.uuid4()
                responses.append(
                    {
                        "id": response_id,
                        "evaluation_id": evaluation_id,
                        "submitted_on": c["ends_on"] + dt.timedelta(days=2),
                    }
                )
                receipts.append(
                    {
                        "id": uuid.uuid4(),
                        "evaluation_id": evaluation_id,
                        "person_id": person_id,
                    }
                )
                for q in these:
                    answers.append(_answer(rng, response_id, q))
        w.copy(Evaluation, evaluations)
        w.copy(Response, responses)
        w.copy(Answer, (a for a in answers if a is not None))
        w.copy(Receipt, receipts)

        # Networks and peer groups.
        network0 = w.next_id(Network)
        network_kinds = ["forum", "peer", "open"]
        w.copy(
            Network,
            [
                {
                    "id": network0 + i,
                    "kind": network_kinds[i % 3],
                    "name": f"Nätverk {i + 1}",
                    "slug": f"skala-natverk-{i + 1}",
                    "owner_id": org_ids[i % ORGANISATIONS],
                    "join_policy": "application",
                    "is_active": True,
                    "created_at": now,
                }
                for i in range(NETWORKS)
            ],
        )
        membership0 = w.next_id(Membership)
        memberships = []
        for i in range(NETWORKS):
            for n, person_id in enumerate(rng.sample(person_ids, MEMBERS_PER_NETWORK)):
                memberships.append(
                    {
                        "id": membership0 + len(memberships),
                        "network_id": network0 + i,
                        "person_id": person_id,
                        "role": "chair" if n == 0 else "member",
                        "status": "active",
                        "joined_at": now,
                        "created_at": now,
                    }
                )
        w.copy(Membership, memberships)
        round0 = w.next_id(GroupRound)
        rounds = [
            {
                "id": round0 + i,
                "title": f"Smågrupper {today.year - i % YEARS}, omgång {i + 1}",
                "year": today.year - i % YEARS,
                "owner_id": org_ids[i % ORGANISATIONS],
                "network_id": network0 + i % NETWORKS,
                "status": "published",
                "published_at": now,
                "applications_open": False,
                "created_at": now,
            }
            for i in range(ROUNDS)
        ]
        w.copy(GroupRound, rounds)
        group0 = w.next_id(PeerGroup)
        groups, members = [], []
        member0 = w.next_id(GroupMember)
        for r in rounds:
            chosen = rng.sample(person_ids, GROUPS_PER_ROUND * GROUP_SIZE)
            for g in range(GROUPS_PER_ROUND):
                group_id = group0 + len(groups)
                groups.append(
                    {
                        "id": group_id,
                        "round_id": r["id"],
                        "number": g + 1,
                        "created_at": now,
                    }
                )
                for person_id in chosen[g * GROUP_SIZE : (g + 1) * GROUP_SIZE]:
                    members.append(
                        {
                            "id": member0 + len(members),
                            "group_id": group_id,
                            "round_id": r["id"],
                            "person_id": person_id,
                            "joined_at": now,
                        }
                    )
        w.copy(PeerGroup, groups)
        w.copy(GroupMember, members)

        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS bench_scale_info (built_at timestamptz, "
                "counts jsonb)"
            )
            cursor.execute(
                "INSERT INTO bench_scale_info VALUES (now(), %s)",
                [json.dumps(w.counts)],
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "seconds": round(time.monotonic() - started, 1),
        "rows": w.counts,
        "targets": spots,
    }


def _answer(rng, response_id, question):
    kind = question["kind"]
    row = {
        "id": uuid.uuid4(),
        "response_id": response_id,
        "question_id": question["id"],
    }
    if kind == "likert":
        return {**row, "number": rng.choice([3, 4, 4, 5, 5])}
    if kind == "nps":
        return {**row, "number": rng.choice([6, 7, 8, 9, 9, 10])}
    if kind in ("single", "multiple") and question["choices"]:
        return {**row, "choice": rng.choice(question["choices"])}
    if kind == "text":
        return {**row, "text": rng.choice(["Bra dagar.", "Mer tid för samtal.", ""])}
    return None


def is_built(connection):
    """True when a previous build finished (its marker row was committed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_scale_info') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT count(*) FROM bench_scale_info")
        return cursor.fetchone()[0] > 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The large installation is written with COPY: PostgreSQL only.")
    if is_built(connection):
        print(json.dumps({"already_built": True, "targets": targets()}))
    else:
        print(json.dumps(build(), default=str))
