"""Demo data for the learning flow, loaded after tillit.demo.core.

- Preparation and a pre-session assignment for every session of ESV's cohorts,
  and for Adda's rounds a work-integrated home assignment with milestones.
- ESV's running round ("Höstomgången"/"Våromgången"), started five weeks ago:
  three sessions behind it with attendance (one check-in with the code),
  submissions, feedback to revise and approvals; three ahead. The participant
  login deltagare.stat@example.org is in it, and the teacher login
  larare.esv@example.org teaches it.
- Adda's spring round of the past year (3 April–12 June), finished: most
  participants completed and have certificates and alumni membership, the
  participant login deltagare.stat@example.org among them.
- Completion rules: ESV five of six sessions and every assignment approved; Adda
  80 % of the sessions and the home assignment approved.

Idempotent: rows are found by natural keys (slug, cohort name, session, title,
e-mail) and created only when missing. No mail is sent: feedback and
certificates are given with notifications turned off.
"""

import datetime as dt
import unicodedata
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test.utils import override_settings

from tillit.core.models import ManagerialLevel, Organisation, Person, RoleCategory
from tillit.demo.core import (
    ADDA_SESSION_TITLES,
    DemoPart,
    cohort_named,
    register_all,
    session_titled,
    with_demo_password,
)
from tillit.learning import services
from tillit.learning.models import (
    AlumniMembership,
    Assignment,
    Attendance,
    Certificate,
    CompletionRule,
    Feedback,
    Milestone,
    Preparation,
    Submission,
)
from tillit.programmes.models import Programme, Session

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ESV = "esv-strategisk-verksamhetsstyrning"
ADDA = "adda-chefsprogram-valfardens-digitalisering"

MINISTRY = "fm-smagrupper-hogsta-ledningen"
# The Finnish ministry writes in Finnish and Swedish: (Swedish, Finnish).
MINISTRY_PREPARATION = (
    "Fundera inför träffen på en situation under det senaste halvåret där du som "
    "chef fick leda i osäkerhet. Vad hjälpte dig, och vad skulle du göra "
    "annorlunda? Ta med en konkret fråga som du vill diskutera med gruppen.",
    "Mieti ennen tapaamista tilannetta viimeisen puolen vuoden ajalta, jolloin "
    "jouduit johtamaan epävarmuudessa. Mikä auttoi sinua, ja mitä tekisit toisin? "
    "Tuo mukanasi yksi konkreettinen kysymys, josta haluat keskustella ryhmän "
    "kanssa.",
)
MINISTRY_ASSIGNMENT = {
    "title_sv": "Min ledarskapsfråga för året",
    "title_fi": "Vuoden johtamiskysymykseni",
    "instructions_sv": (
        "Beskriv på en halv sida den ledarskapsfråga du vill arbeta med i gruppen "
        "under verksamhetsåret och varför den är viktig för din organisation."
    ),
    "instructions_fi": (
        "Kuvaa puolen sivun verran johtamiskysymys, jota haluat työstää ryhmässä "
        "toimintavuoden aikana, ja miksi se on tärkeä organisaatiollesi."
    ),
}

ESV_PREPARATION = [
    (
        "Läs ESV:s vägledning om verksamhetsstyrning och fundera på hur styrningen "
        "av din egen verksamhet hänger ihop med myndighetens uppdrag.",
        "Styrningen i staten | https://www.esv.se/",
        "Beskriv din verksamhets viktigaste styrsignaler",
    ),
    (
        "Gå igenom myndighetens instruktion och regleringsbrev. Vilka målgrupper "
        "finns, och vilket värde ska verksamheten skapa för dem?",
        "Regleringsbrev | https://www.esv.se/statsliggaren/",
        "Vem skapar din verksamhet värde för?",
    ),
    (
        "Tänk på ett beslut som fattats över ditt huvud det senaste året. Hur "
        "ledde du dina medarbetare i genomförandet?",
        "",
        "Att leda inom en styrning man inte själv utformar",
    ),
    (
        "Välj en strategisk fråga för din enhet de kommande tre åren och "
        "formulera den i en mening.",
        "",
        "Din strategiska fråga",
    ),
    (
        "Kartlägg vilka andra aktörer din verksamhet behöver samverka med för att "
        "lösa ett komplext samhällsproblem.",
        "",
        "Samverkanskarta",
    ),
    (
        "Förbered en kort presentation av vad du tar med dig från programmet och "
        "ditt nästa steg.",
        "",
        "Min väg vidare",
    ),
]

ADDA_PREPARATION = (
    "Läs på om digital mognad i offentlig sektor och fundera på var din "
    "organisation står i dag.",
    "Digital mognad | https://www.adda.se/",
)

RUNNING_PARTICIPANTS = [
    ("Trafikverket", None),  # filled by the participant login
    ("Skatteverket", ("Åsa", "Lindqvist")),
    ("Skatteverket", ("Hampus", "Bergström")),
    ("Försäkringskassan", ("Ylva", "Ekström")),
    ("Försäkringskassan", ("Rasmus", "Nyberg")),
    ("Kriminalvården", ("Tove", "Sjöholm")),
    ("Kriminalvården", ("Kerstin", "Dahlgren")),
    ("Statens servicecenter", ("Omar", "Granlund")),
]
PAST_PARTICIPANTS = [
    ("Vetlanda", ("Birgitta", "Åkesson")),
    ("Nässjö", ("Göran", "Hellström")),
    ("Växjö", ("Leila", "Mårtensson")),
    ("Kalmar", ("Stina", "Törnqvist")),
    ("Jönköping", ("Pontus", "Öberg")),
]


class LearningDemo(DemoPart):
    # Rows -----------------------------------------------------------------------

    def person(self, email, first, last, organisation, *, title="Enhetschef"):
        person, created = Person.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "title": title,
                "role_category": RoleCategory.UNIT_MANAGER,
                "managerial_level": ManagerialLevel.MIDDLE,
                "organisation": organisation,
                "password": "!demo-no-login",
            },
        )
        self.count("people", created)
        return person

    def agency(self, name):
        org, created = Organisation.objects.get_or_create(
            name=name,
            country="SE",
            defaults={"kind": "agency", "sector": "state"},
        )
        self.count("organisations", created)
        return org

    def teacher(self, esv):
        teacher = self.person(
            "larare.esv@example.org",
            "Ingrid",
            "Falk",
            esv,
            title="Utbildare i verksamhetsstyrning",
        )
        return with_demo_password(teacher)

    def cohort(self, programme, name, *, actor, **fields):
        cohort, created = cohort_named(programme, name, actor=actor, **fields)
        self.count("cohorts", created)
        return cohort

    def coming_cohorts(self, programme, *, besides):
        return programme.cohorts.exclude(pk=besides.pk).filter(
            starts_on__gte=self.today
        )

    def session(self, cohort, title, *, actor, starts_at, hours, teachers=(), **kw):
        session, created = session_titled(
            cohort,
            title,
            actor=actor,
            teachers=list(teachers),
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=hours),
            **kw,
        )
        self.count("sessions", created)
        return session

    def register(self, people, cohort, *, now):
        booked = register_all(people, cohort, now=now)
        self.count("registrations", booked)

    def preparation(self, session, text, links=""):
        _prep, created = Preparation.objects.get_or_create(
            session=session, defaults={"text": text, "links": links}
        )
        self.count("preparations", created)

    def assignment(self, cohort, title, *, actor, **fields):
        assignment = Assignment.objects.filter(cohort=cohort, title=title).first()
        if assignment is None:
            assignment = services.create_assignment(
                cohort, actor=actor, title=title, **fields
            )
            self.count("assignments")
        return assignment

    def rule(self, programme, **fields):
        _rule, created = CompletionRule.objects.get_or_create(
            programme=programme, defaults=fields
        )
        self.count("completion rules", created)

    def attend(self, session, person, *, actor, status="present", reason=""):
        if Attendance.objects.filter(session=session, person=person).exists():
            return
        services.mark_attendance(
            session, person, actor=actor, status=status, absence_reason=reason
        )
        self.count("attendance")

    def hand_in(self, assignment, person, text, *, at, feedback=()):
        """Hand in and then take each (teacher, verdict, text) in turn; after a
        "revise" the participant hands in a second version."""
        if Submission.objects.filter(assignment=assignment, person=person).exists():
            return
        submission = services.submit(assignment, person, text=text, now=at)
        self.count("submissions")
        for teacher, verdict, words in feedback:
            if submission.status == Submission.Status.REVISE:
                submission = services.submit(
                    assignment, person, text=text + "\n\n(Reviderad.)", now=at
                )
            feedback = services.give_feedback(
                submission,
                actor=teacher,
                verdict=verdict,
                text=words,
                notify_person=False,
            )
            Feedback.objects.filter(pk=feedback.pk).update(
                created_at=at + dt.timedelta(days=3)
            )
            submission.refresh_from_db()
            self.count("feedback")

    # ESV's running round ------------------------------------------------------

    def esv(self):
        programme = Programme.objects.filter(slug=ESV).first()
        if programme is None:
            return
        organiser = programme.organiser
        lead = Person.objects.get(email="arrangor.esv@example.org")
        teacher = self.teacher(organiser)
        programme.teachers.add(teacher)
        self.rule(programme, min_sessions=5, all_assignments=True)

        start = _weekday(self.today - dt.timedelta(days=35))
        dates = [start + dt.timedelta(weeks=2 * i) for i in range(6)]
        season = "Höstomgången" if start.month >= 7 else "Våromgången"
        cohort = self.cohort(
            programme,
            f"{season} {start.year}",
            actor=lead,
            starts_on=dates[0],
            ends_on=dates[-1],
            capacity=30,
            registration_opens_at=_at(start - dt.timedelta(days=90), 9),
            registration_closes_at=_at(start - dt.timedelta(days=14), 23),
            online_link="https://meet.example.org/esv-verksamhetsstyrning",
        )
        people = []
        for agency_name, name in RUNNING_PARTICIPANTS:
            if name is None:
                person = Person.objects.filter(
                    email="deltagare.stat@example.org"
                ).first()
                if person is None:
                    continue
            else:
                first, last = name
                person = self.person(
                    f"{_ascii(first)}.{_ascii(last)}@example.org",
                    first,
                    last,
                    self.agency(agency_name),
                )
            people.append(person)
        self.register(people, cohort, now=_at(start - dt.timedelta(days=60), 10))

        titles = [
            "Styrningen i staten som helhet",
            "Myndighetens uppdrag och värdet för målgrupperna",
            "Att leda inom en styrning man inte själv utformar",
            "Strategiskt arbete: att lyfta blicken",
            "Samverkan kring komplexa samhällsproblem",
            "Förändring, innovation och vägen vidare",
        ]
        sessions = [
            self.session(
                cohort,
                f"Sammankomst {n}: {title}",
                actor=lead,
                starts_at=_at(day, 9),
                hours=3,
                teachers=[teacher],
                mode=Session.Mode.ONLINE,
                link=f"https://meet.example.org/esv-hosten-{n}",
            )
            for n, (day, title) in enumerate(zip(dates, titles, strict=True), 1)
        ]
        assignments = self.esv_material(cohort, sessions, lead)
        self.esv_history(sessions, assignments, people, teacher)

        # The core demo's coming cohorts get their preparation too (not the past
        # cohorts other demos add, e.g. the evaluations' history).
        for other in self.coming_cohorts(programme, besides=cohort):
            self.esv_material(other, list(other.sessions.all()), lead)

    def esv_material(self, cohort, sessions, actor):
        assignments = []
        pairs = zip(sessions, ESV_PREPARATION, strict=False)
        for session, (text, links, task) in pairs:
            self.preparation(session, text, links)
            assignments.append(
                self.assignment(
                    cohort,
                    task,
                    actor=actor,
                    kind=Assignment.Kind.PRE_SESSION,
                    session=session,
                    instructions=(
                        "Skriv en till två sidor. Lämna in som text direkt i "
                        "formuläret eller som en fil (PDF, Word eller OpenDocument)."
                    ),
                    due_at=session.starts_at - dt.timedelta(days=2),
                    allowed_types=["pdf", "docx", "odt", "txt"],
                    max_size_mb=10,
                )
            )
        return assignments

    def esv_history(self, sessions, assignments, people, teacher):
        """Attendance, submissions and feedback for the sessions already held."""
        past = [s for s in sessions if s.ends_at.date() < self.today]
        for number, session in enumerate(past):
            for index, person in enumerate(people):
                absent = (index + number) % 7 == 6
                self.attend(
                    session,
                    person,
                    actor=teacher,
                    status="absent" if absent else "present",
                    reason="work" if absent else "",
                )
        services.ensure_session_code(sessions[0])
        login = people[0] if people else None
        if login is not None and past:
            # The participant login checked in with the code at the last session.
            Attendance.objects.filter(session=past[-1], person=login).update(
                method=Attendance.Method.CHECK_IN, marked_by=login
            )
        for number, assignment in enumerate(assignments[: len(past)]):
            at = assignment.due_at - dt.timedelta(days=1)
            for index, person in enumerate(people):
                if (index + number) % 5 == 4:
                    continue  # not handed in
                if number < len(past) - 1:
                    feedback = [(teacher, "approved", _APPROVED[index % 3])]
                elif index % 2 == 0:
                    feedback = [(teacher, "revise", _REVISE)]
                else:
                    feedback = []
                self.hand_in(
                    assignment,
                    person,
                    _ANSWERS[(index + number) % len(_ANSWERS)],
                    at=at,
                    feedback=feedback,
                )

    # Adda's finished spring round ---------------------------------------------

    def ministry(self):
        """Finansministeriet's first morning meeting: preparation and a
        pre-session assignment in Swedish and Finnish (a Finnish reader sees
        Finnish)."""
        programme = Programme.objects.filter(slug=MINISTRY).first()
        if programme is None:
            return
        lead = Person.objects.filter(email="arrangor.fm@example.org").first()
        cohort = programme.cohorts.order_by("starts_on").first()
        session = cohort.sessions.order_by("starts_at").first() if cohort else None
        if lead is None or session is None:
            return
        swedish, finnish = MINISTRY_PREPARATION
        _prep, created = Preparation.objects.get_or_create(
            session=session, defaults={"text_sv": swedish, "text_fi": finnish}
        )
        self.count("preparations", created)
        if not Assignment.objects.filter(
            cohort=cohort, title_sv=MINISTRY_ASSIGNMENT["title_sv"]
        ).exists():
            services.create_assignment(
                cohort,
                actor=lead,
                kind=Assignment.Kind.PRE_SESSION,
                session=session,
                due_at=session.starts_at - dt.timedelta(days=2),
                allowed_types=[],
                **MINISTRY_ASSIGNMENT,
            )
            self.count("assignments")

    def adda(self):
        programme = Programme.objects.filter(slug=ADDA).first()
        if programme is None:
            return
        contact = Person.objects.get(email="arrangor.adda@example.org")
        teachers = list(programme.teachers.all()) or [contact]
        self.rule(programme, min_share=80, all_assignments=True)

        year = (
            self.today.year
            if self.today > dt.date(self.today.year, 6, 12)
            else (self.today.year - 1)
        )
        start, end = dt.date(year, 4, 3), dt.date(year, 6, 12)
        cohort = self.cohort(
            programme,
            f"Våren {year}",
            actor=contact,
            starts_on=start,
            ends_on=end,
            capacity=30,
            registration_opens_at=_at(start - dt.timedelta(days=90), 9),
            registration_closes_at=_at(start - dt.timedelta(days=7), 23),
            location="Stockholm och digitalt",
        )
        people = [
            p
            for p in [Person.objects.filter(email="deltagare.stat@example.org").first()]
            if p
        ]
        for town, (first, last) in PAST_PARTICIPANTS:
            org = Organisation.objects.filter(
                kind="municipality", name__startswith=town
            ).first()
            people.append(
                self.person(
                    f"{_ascii(first)}.{_ascii(last)}@example.org",
                    first,
                    last,
                    org,
                    title="Digitaliseringsstrateg med chefsansvar",
                )
            )
        self.register(people, cohort, now=_at(start - dt.timedelta(days=30), 10))

        span = (end - start).days
        sessions = []
        for number, title in enumerate(ADDA_SESSION_TITLES):
            day = _weekday(start + dt.timedelta(days=round(number * span / 4)))
            if day > end:
                day = end
            sessions.append(
                self.session(
                    cohort,
                    f"Träff {number + 1}: {title}",
                    actor=contact,
                    starts_at=_at(day, 9),
                    hours=7,
                    teachers=[teachers[number % len(teachers)]],
                    mode=Session.Mode.ON_SITE if number in (0, 4) else "online",
                    location="Konferenslokal i centrala Stockholm"
                    if number in (0, 4)
                    else "",
                )
            )
        home = self.adda_material(cohort, sessions, contact)
        for index, person in enumerate(people):
            missed = 2 if index == len(people) - 1 else (1 if index % 3 == 2 else 0)
            for number, session in enumerate(sessions):
                absent = number >= len(sessions) - missed
                self.attend(
                    session,
                    person,
                    actor=teachers[0],
                    status="absent" if absent else "present",
                    reason="illness" if absent else "",
                )
            self.hand_in(
                home,
                person,
                "Plan för att höja den digitala mognaden i min förvaltning: "
                "nuläge, mål och tre första steg.",
                at=_at(end - dt.timedelta(days=10), 12),
                feedback=[(teachers[0], "approved", _APPROVED[index % 3])],
            )
        issued = services.issue_certificates(
            cohort, actor=contact, today=self.today, notify_people=False
        )
        issued_at = _at(end + dt.timedelta(days=7), 10)
        for certificate in issued:
            Certificate.objects.filter(pk=certificate.pk).update(issued_at=issued_at)
            AlumniMembership.objects.filter(
                programme=programme, person=certificate.person
            ).update(joined_at=issued_at)
            self.count("certificates")

        for other in self.coming_cohorts(programme, besides=cohort):
            self.adda_material(other, list(other.sessions.all()), contact)

    def adda_material(self, cohort, sessions, actor):
        for session in sessions:
            self.preparation(session, *ADDA_PREPARATION)
        home = self.assignment(
            cohort,
            "Arbetsintegrerad hemuppgift: digital mognad i din verksamhet",
            actor=actor,
            kind=Assignment.Kind.HOME,
            session=None,
            instructions=(
                "Gör en nulägesanalys av den digitala mognaden i din verksamhet, "
                "sätt mål och planera de första stegen tillsammans med dina "
                "medarbetare. Redovisa vid sista träffen."
            ),
            due_at=_at(cohort.ends_on - dt.timedelta(days=7), 12),
            allowed_types=["pdf", "docx", "pptx", "odt"],
            max_size_mb=20,
        )
        if not home.milestones.exists():
            middle = cohort.starts_on + (cohort.ends_on - cohort.starts_on) / 2
            Milestone.objects.bulk_create(
                [
                    Milestone(
                        assignment=home,
                        title="Nulägesanalys",
                        due_at=_at(cohort.starts_on + dt.timedelta(days=21), 12),
                    ),
                    Milestone(
                        assignment=home, title="Mål och plan", due_at=_at(middle, 12)
                    ),
                ]
            )
            self.count("milestones", True)
        return home


_ANSWERS = [
    "I min enhet styr vi främst genom verksamhetsplanen och månatliga "
    "uppföljningar. Jag ser att medarbetarna sällan kopplar sitt arbete till "
    "myndighetens mål.",
    "Vår viktigaste målgrupp är de sökande, men i praktiken styr internt "
    "rapporterade nyckeltal mer än deras upplevelse.",
    "Ett exempel: omorganisationen i våras. Jag valde att vara öppen med vad "
    "jag inte kunde påverka och lät gruppen forma genomförandet.",
]
_APPROVED = [
    "Tydligt och väl förankrat i din verksamhet. Godkänt!",
    "Bra reflektion med konkreta exempel. Godkänt.",
    "Fint arbete – ta gärna med dig frågan om målgrupperna till nästa träff.",
]
_REVISE = (
    "Du beskriver läget väl, men utveckla hur du själv agerade och vad du "
    "skulle göra annorlunda nästa gång."
)


def _at(day, hour):
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=STOCKHOLM)


def _weekday(day):
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _ascii(text):
    text = text.lower().replace(" ", "-")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def load_demo(today) -> dict[str, int]:
    """Load the learning demo in one transaction; returns counts of what it made.

    No mail is sent (registration receipts go to a dummy mailer, as in the core
    demo; feedback and certificates are given without notifications).
    """
    quiet = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    with override_settings(MAILERS=quiet), transaction.atomic():
        demo = LearningDemo(today)
        demo.esv()
        demo.adda()
        demo.ministry()
        return demo.counts
