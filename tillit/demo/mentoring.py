"""Demo mentoring (seed 001): CKS's "Ledarskap i kommuner" with twenty mentors,
the chief executives of municipalities in and around Östergötland.

Runs after tillit.demo.core.load_demo: it finds the programme by slug and the
chief executives the core demo made by their municipality's SCB code, and adds a
twentieth (Aneby). The participants rank mentors, the matching is run and
published (without mail) through the services, and the pairs get some meetings.
Idempotent: every step looks for what it would make first.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from tillit.core.models import ManagerialLevel, Person, RoleCategory
from tillit.core.reference import swedish_municipality
from tillit.demo.core import (
    MENTOR_MUNICIPALITIES,
    DemoPart,
    Login,
    _ascii,
    with_demo_password,
)
from tillit.mentoring import selectors, services
from tillit.mentoring.models import Area, Note, Pair
from tillit.programmes.models import Programme
from tillit.registrations import selectors as registration_selectors
from tillit.registrations import services as registration_services

PROGRAMME = "cks-ledarskap-i-kommuner"
ORGANISER = "arrangor.cks@example.org"
MENTEE_LOGIN = "deltagare.kommun@example.org"
#: The mentor with a demo login, ranked first by the mentee login: Linköping's.
MENTOR_LOGIN_CODE = "0580"
STOCKHOLM = ZoneInfo("Europe/Stockholm")

REGIONS = {
    "04": "Södermanland",
    "05": "Östergötland",
    "06": "Jönköpings län",
    "08": "Kalmar län",
    "18": "Örebro län",
}
EXTRA_PARTICIPANTS = [
    ("0580", "Kontorschef", RoleCategory.DEPARTMENT_HEAD),
    ("0583", "Förvaltningschef", RoleCategory.DEPARTMENT_HEAD),
    ("0586", "Strateg i kommunledningen", RoleCategory.STRATEGIST),
    ("0562", "Personaldirektör", RoleCategory.HR_DIRECTOR),
    ("0687", "Ekonomidirektör", RoleCategory.FINANCE_DIRECTOR),
    ("0883", "Områdeschef", RoleCategory.DEPARTMENT_HEAD),
]
NAMES = [
    ("Ylva", "Hagström"),
    ("Rasmus", "Lövgren"),
    ("Tove", "Westerlund"),
    ("Kristoffer", "Ahl"),
    ("Minna", "Sundqvist"),
    ("Jesper", "Brandt"),
]
EXTRA_MENTOR = ("0604", "Birgitta", "Sjövall", "birgitta.sjovall@example.org")


def load_demo(today) -> dict[str, int]:
    """Load the mentoring demo in one transaction; returns counts of what it made.

    No mail is sent: receipts go to a dummy mailer and the matching is published
    without notifications.
    """
    quiet = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    with override_settings(MAILERS=quiet), transaction.atomic():
        return _Loader(today).load()


class _Loader(DemoPart):
    def load(self):
        programme = Programme.objects.filter(slug=PROGRAMME).first()
        organiser = Person.objects.filter(email=ORGANISER).first()
        if programme is None or organiser is None:
            return self.counts  # the core demo is not loaded
        mentoring = services.set_up(programme, actor=organiser)
        self.participants(programme)
        mentors = self.mentors(mentoring, organiser)
        self.wishes(mentoring, mentors)
        if not mentoring.pairs.exists():
            run = services.run_matching(mentoring, actor=organiser)
            pairs = services.publish(
                run, actor=organiser, now=self.moment(-21, 15), notify=False
            )
            self.count("mentoring pairs", len(pairs))
        self.meetings(mentoring)
        return self.counts

    def participants(self, programme):
        """The mentee login and six more senior managers take seats in the round."""
        cohort = programme.cohorts.order_by("starts_on").first()
        if cohort is None:
            return
        people = list(Person.objects.filter(email=MENTEE_LOGIN))
        for number, (code, title, role) in enumerate(EXTRA_PARTICIPANTS):
            first, last = NAMES[number]
            person, created = Person.objects.get_or_create(
                email=f"{_ascii(first)}.{_ascii(last)}.cks@example.org",
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "title": title,
                    "role_category": role,
                    "managerial_level": ManagerialLevel.SENIOR,
                    "organisation": swedish_municipality(code),
                    "password": "!demo-no-login",
                },
            )
            self.count("people", created)
            people.append(person)
        for person in people:
            if registration_selectors.active_registration(person, cohort) is None:
                registration_services.register(person, cohort)
                self.count("registrations")

    def moment(self, days, hour):
        day = self.today + dt.timedelta(days=days)
        return dt.datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)

    def chief_executives(self):
        people = []
        for code in MENTOR_MUNICIPALITIES:
            person = (
                Person.objects.filter(
                    organisation=swedish_municipality(code),
                    role_category=RoleCategory.CHIEF_EXECUTIVE,
                )
                .order_by("pk")
                .first()
            )
            if person is not None:
                people.append((code, person))
        code, first, last, email = EXTRA_MENTOR
        person, created = Person.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "title": "Kommundirektör",
                "role_category": RoleCategory.CHIEF_EXECUTIVE,
                "managerial_level": ManagerialLevel.TOP,
                "organisation": swedish_municipality(code),
                "password": "!demo-no-login",
            },
        )
        self.count("people", created)
        return [*people, (code, person)]

    def mentors(self, mentoring, organiser):
        areas = Area.values
        existing = {m.person_id: m for m in mentoring.mentors.all()}
        mentors = {}
        for number, (code, person) in enumerate(self.chief_executives()):
            mentor = existing.get(person.pk)
            if mentor is None:
                town = person.organisation.name
                mentor = services.add_mentor(
                    mentoring,
                    person,
                    actor=organiser,
                    capacity=1 + number % 2,
                    languages=["sv", "en"] if number % 3 == 0 else ["sv"],
                    region=REGIONS.get(code[:2], ""),
                    areas=[areas[(number + k * 3) % len(areas)] for k in range(3)],
                    profile=(
                        f"Kommundirektör i {town}. Har lett kommunens "
                        "förvaltningsorganisation i många år och arbetar nära den "
                        "politiska ledningen."
                    ),
                )
                self.count("mentors")
            mentors[code] = mentor
            if code == MENTOR_LOGIN_CODE:
                with_demo_password(person)
        return mentors

    def wishes(self, mentoring, mentors):
        ranked = list(mentors.values())
        for number, mentee in enumerate(selectors.mentees(mentoring)):
            if mentee.wishlists.filter(mentoring=mentoring).exists():
                continue
            allowed = [
                m for m in ranked if m.person.organisation_id != mentee.organisation_id
            ]
            start = (number * 3) % len(allowed)
            choice = (allowed[start:] + allowed[:start])[: mentoring.max_wishes]
            if mentee.email == MENTEE_LOGIN and MENTOR_LOGIN_CODE in mentors:
                first = mentors[MENTOR_LOGIN_CODE]
                choice = [first, *[m for m in choice if m != first]][:3]
            services.save_wishes(
                mentoring,
                mentee,
                mentors=choice,
                areas=[Area.POLITICS, Area.CHANGE] if number % 2 else [Area.STRATEGY],
                region="Östergötland",
                languages=["sv"],
                note="Jag vill gärna träffa en mentor utanför min egen kommun.",
            )
            self.count("mentee wishes")

    def meetings(self, mentoring):
        for number, pair in enumerate(mentoring.pairs.select_related("mentor")):
            if pair.meetings.exists():
                continue
            actor = pair.mentee
            first = services.plan_meeting(
                pair,
                actor=actor,
                starts_at=self.moment(-14 + number % 5, 8),
                place=f"Kommunhuset, {pair.mentor.person.organisation}",
                topics="Förväntningar på mentorskapet och hur vi arbetar.",
            )
            services.mark_held(first, actor=actor, now=timezone.now())
            services.plan_meeting(
                pair,
                actor=pair.mentor.person,
                starts_at=self.moment(21 + number % 7, 13),
                link="https://meet.example.org/mentorsamtal",
                topics="Samspelet med den politiska ledningen.",
            )
            services.add_note(
                pair,
                actor=actor,
                visibility=Note.Visibility.SHARED,
                body="Tack för ett bra första samtal! Jag läser boken du tipsade om.",
            )
            self.count("mentoring meetings", 2)
            self.count("mentoring notes")


def logins() -> list[Login]:
    """The demo mentee's mentor, whose address the core demo's name book makes."""
    pair = (
        Pair.objects.filter(mentee__email="deltagare.kommun@example.org")
        .select_related("mentor__person__organisation")
        .first()
    )
    if pair is None:
        return []
    person = pair.mentor.person
    return [
        Login(
            person.email,
            "Mentor (chief executive) of deltagare.kommun, CKS programme",
            str(person.organisation or "–"),
        )
    ]
