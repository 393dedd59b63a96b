"""Demo data: the organisers, programmes, cohorts and sessions of the seeds.

Organisations, programmes, themes and the seeds' days and months are real; every
person is fictional (generated names at example.org, no phone numbers). Dates
keep the seeds' day and month and are placed in the coming year(s), counted from
today, so the demo is always live:

- ESV's cohort starts in April; its registration opens at the end of January and
  has not opened yet.
- Adda's spring round (3 April–12 June) and its September round, half booked.
- Linköping municipality's first round is fully booked with a short waitlist.

Loading is idempotent: every row is found by a natural key (e-mail, slug,
programme and cohort name, cohort and session title, SCB code) and created only
when missing, so a second run creates nothing and changes nothing. Seats are
booked through `registrations.services.register`, like any other booking.
"""

import datetime as dt
import functools
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone, translation

from tillit.core.models import (
    ManagerialLevel,
    Organisation,
    Person,
    RoleCategory,
    Sector,
    Unit,
)
from tillit.core.reference import load_reference_data, swedish_municipality
from tillit.programmes import services as programme_services
from tillit.programmes.models import Cohort, Programme, Session, TargetRule, Theme
from tillit.registrations import selectors as registration_selectors
from tillit.registrations import services as registration_services

DEMO_PASSWORD = "tillit-demo-2026"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
HELSINKI = ZoneInfo("Europe/Helsinki")

Role = RoleCategory
Level = ManagerialLevel


def _words(text):
    return text.split()


FIRST_NAMES = _words("""
    Anna Erik Maria Lars Karin Johan Sara Anders Emma Per Elin Mikael Ida
    Fredrik Linnea Magnus Sofia Jonas Hanna Henrik Maja Niklas Ebba Oskar Lena
    Gustav Malin Viktor Helena Mattias Cecilia Daniel Klara Peter Amira Ali
    Josefin Tobias Nora Samir
""")
LAST_NAMES = _words("""
    Lindqvist Bergström Holmberg Sandberg Ekström Forsberg Lundgren Nyberg
    Åkesson Wallin Hedberg Sjöholm Engström Björk Dahlgren Falk Granlund
    Hellström Isaksson Jakobsson Kvist Lindblom Mårtensson Norén Öberg Palm
    Rosén Strand Törnqvist Vik Ahlström Blom Cederlund Edlund Fransson
""")
FINNISH_FIRST_NAMES = _words("""
    Aino Mikko Liisa Satu Antti Kaisa Timo Elina Ville Outi Jari
""")
FINNISH_LAST_NAMES = _words("""
    Virtanen Mäkelä Koskinen Heikkilä Laaksonen Salonen Nieminen Lehtonen
    Rantanen Hämäläinen Karjalainen Vainio Lindroos
""")


# Östergötland's thirteen municipalities and six neighbours (SCB codes).
MENTOR_MUNICIPALITIES = _words("""
    0509 0512 0513 0560 0561 0562 0563 0580 0581 0582 0583 0584 0586
    0686 0687 0883 0884 0483 1882
""")


def _ascii(text):
    text = text.lower().replace(" ", "-")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


class NameBook:
    """Hands out fictional, unique names in a fixed order, so the same call
    sequence gives the same people (and e-mail addresses) on every run."""

    def __init__(self, first_names, last_names):
        self.pairs = [
            (first, last_names[(i * 7 + i // len(first_names)) % len(last_names)])
            for i, first in enumerate(first_names * len(last_names))
        ]
        self.used = set()
        self.index = 0

    def next(self):
        while True:
            first, last = self.pairs[self.index % len(self.pairs)]
            self.index += 1
            if (first, last) not in self.used:
                self.used.add((first, last))
                return first, last


@dataclass
class Login:
    email: str
    role: str
    organisation: str


@dataclass
class Report:
    logins: list[Login] = field(default_factory=list)
    reference: object = None
    created: dict = field(default_factory=dict)

    def count(self, what, created):
        if created:
            self.created[what] = self.created.get(what, 0) + 1


class DemoLoader:
    def __init__(self, today):
        self.today = today
        self.report = Report()
        self.names = NameBook(FIRST_NAMES, LAST_NAMES)
        self.finnish_names = NameBook(FINNISH_FIRST_NAMES, FINNISH_LAST_NAMES)

    @functools.cached_property
    def password(self):
        return make_password(DEMO_PASSWORD)

    # Dates ----------------------------------------------------------------

    def next_date(self, month, day, *, lead_days=21):
        """The first (month, day) at least `lead_days` after today."""
        earliest = self.today + dt.timedelta(days=lead_days)
        year = earliest.year
        while dt.date(year, month, day) < earliest:
            year += 1
        return dt.date(year, month, day)

    def days_ago(self, days, tz=STOCKHOLM):
        return at(self.today - dt.timedelta(days=days), 9, 0, tz)

    # Rows -----------------------------------------------------------------

    def organisation(self, name, *, kind, sector, country="SE", **fields):
        if country == Organisation.Country.FINLAND:
            fields.setdefault("time_zone", "Europe/Helsinki")
        org, created = Organisation.objects.get_or_create(
            name=name,
            country=country,
            defaults={"kind": kind, "sector": sector, **fields},
        )
        self.report.count("organisations", created)
        return org

    def unit(self, organisation, name):
        unit, created = Unit.objects.get_or_create(
            organisation=organisation, parent=None, name=name
        )
        self.report.count("units", created)
        return unit

    def person(
        self,
        organisation,
        title,
        role,
        level,
        *,
        unit=None,
        email=None,
        finnish=False,
        language="sv",
    ):
        first, last = (self.finnish_names if finnish else self.names).next()
        email = email or f"{_ascii(first)}.{_ascii(last)}@example.org"
        person, created = Person.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "title": title,
                "role_category": role,
                "managerial_level": level,
                "organisation": organisation,
                "unit": unit,
                "preferred_language": language,
                # People without a demo login cannot sign in, as if imported
                # from an HR system.
                "password": "!demo-no-login",
            },
        )
        self.report.count("people", created)
        return person

    def login(self, person, role):
        """Give a person the demo password and list them among the logins."""
        if not person.has_usable_password():
            person.password = self.password
            person.save(update_fields=["password"])
        self.report.logins.append(
            Login(person.email, role, str(person.organisation or "–"))
        )
        return person

    def programme(self, slug, *, organiser, themes=(), rules=(), **fields):
        programme, created = Programme.objects.get_or_create(
            slug=slug, defaults={"organiser": organiser, **fields}
        )
        self.report.count("programmes", created)
        if created:
            programme.themes.set(
                Theme.objects.get_or_create(name=name)[0] for name in themes
            )
            for rule in rules:
                TargetRule.objects.create(programme=programme, **rule)
        return programme

    def cohort(self, programme, name, *, actor, **fields):
        cohort = Cohort.objects.filter(programme=programme, name=name).first()
        if cohort is None:
            cohort = programme_services.create_cohort(
                programme, actor=actor, name=name, **fields
            )
            self.report.count("cohorts", True)
        return cohort

    def session(self, cohort, title, *, actor, teachers=(), **fields):
        session = Session.objects.filter(cohort=cohort, title=title).first()
        if session is None:
            session = programme_services.add_session(
                cohort, actor=actor, teachers=teachers, title=title, **fields
            )
            self.report.count("sessions", True)
        return session

    def register(self, people, cohort):
        """Book seats in arrival order; the waitlist takes those beyond capacity."""
        for person in people:
            if registration_selectors.active_registration(person, cohort) is None:
                registration_services.register(person, cohort)
                self.report.count("registrations", True)

    # The seeds ------------------------------------------------------------

    def load(self):
        self.report.reference = load_reference_data()
        self.admin()
        self.esv()
        self.cks()
        self.adda()
        self.finance_ministry()
        self.linkoping()
        self.employer_contacts()
        return self.report

    def admin(self):
        admin, created = Person.objects.get_or_create(
            email="admin@example.org",
            defaults={
                "first_name": "Admin",
                "last_name": "Tillit",
                "is_staff": True,
                "is_superuser": True,
                "password": "!demo-no-login",
            },
        )
        self.report.count("people", created)
        self.login(admin, "Administrator (Django admin)")

    def esv(self):
        esv = self.organisation(
            "Ekonomistyrningsverket",
            short_name="ESV",
            kind=Organisation.Kind.AGENCY,
            sector=Sector.STATE,
            website="https://www.esv.se",
        )
        unit = self.unit(esv, "Avdelningen för styrning och utveckling")
        lead = self.person(
            esv,
            "Programledare",
            Role.STRATEGIST,
            Level.NONE,
            unit=unit,
            email="arrangor.esv@example.org",
        )
        self.login(lead, "Organiser, ESV")
        esv.staff.add(lead)

        agency = self.organisation(
            "Trafikverket", kind=Organisation.Kind.AGENCY, sector=Sector.STATE
        )
        participant = self.person(
            agency,
            "Enhetschef",
            Role.UNIT_MANAGER,
            Level.MIDDLE,
            unit=self.unit(agency, "Enheten för planering och analys"),
            email="deltagare.stat@example.org",
        )
        self.login(participant, "Participant: state middle manager (ESV)")

        programme = self.programme(
            "esv-strategisk-verksamhetsstyrning",
            organiser=esv,
            title="Programutbildning i strategisk verksamhetsstyrning",
            summary=(
                "För mellanchefer i staten: sex digitala sammankomster om styrning "
                "och verksamhetsutveckling, med en uppgift inför varje tillfälle."
            ),
            description=(
                "Programutbildningen ger mellanchefer i staten verktyg för strategisk "
                "verksamhetsstyrning utifrån en helhetssyn på styrningen i staten: "
                "att utveckla verksamheten i linje med myndighetens uppdrag, skapa "
                "värde för dess målgrupper och samverka kring komplexa "
                "samhällsproblem.\n\n"
                "Utbildningen har ett blandat lärformat. De sex sammankomsterna är "
                "digitala, och inför varje tillfälle gör du en uppgift i den takt som "
                "passar dig. Erfarenhetsutbytet med andra statliga mellanchefer är en "
                "viktig del av lärandet, så räkna med att delta aktivt. Efter "
                "utbildningen kan du gå med i ett nätverk för tidigare deltagare."
            ),
            target_group="Mellanchefer i statliga myndigheter.",
            format=Programme.Format.BLENDED,
            themes=["Strategisk styrning", "Verksamhetsutveckling", "Samverkan"],
            rules=[{"sectors": [Sector.STATE], "managerial_levels": [Level.MIDDLE]}],
        )
        programme.contact_persons.add(lead)

        # Registration opens on the last weekday of January; the cohort starts in
        # April. Both lie ahead, so registration has not opened yet.
        opens_on = weekday_before(self.next_date(1, 31, lead_days=7))
        year = opens_on.year
        first = weekday_after(dt.date(year, 4, 15))
        dates = [first + dt.timedelta(weeks=2 * i) for i in range(6)]
        cohort = self.cohort(
            programme,
            f"Våren {year}",
            actor=lead,
            starts_on=dates[0],
            ends_on=dates[-1],
            capacity=40,
            registration_opens_at=at(opens_on, 9, 0),
            registration_closes_at=at(dt.date(year, 3, 20), 23, 59),
            online_link="https://meet.example.org/esv-verksamhetsstyrning",
            waitlist_enabled=True,
        )
        titles = [
            "Styrningen i staten som helhet",
            "Myndighetens uppdrag och värdet för målgrupperna",
            "Att leda inom en styrning man inte själv utformar",
            "Strategiskt arbete: att lyfta blicken",
            "Samverkan kring komplexa samhällsproblem",
            "Förändring, innovation och vägen vidare",
        ]
        for number, (day, title) in enumerate(zip(dates, titles, strict=True), 1):
            self.session(
                cohort,
                f"Sammankomst {number}: {title}",
                actor=lead,
                starts_at=at(day, 9, 0),
                ends_at=at(day, 12, 0),
                mode=Session.Mode.ONLINE,
                link=f"https://meet.example.org/esv-verksamhetsstyrning-{number}",
            )

    def cks(self):
        cks = self.organisation(
            "Centrum för kommunstrategiska studier, Linköpings universitet",
            short_name="CKS",
            kind=Organisation.Kind.UNIVERSITY,
            sector=Sector.STATE,
            website="https://liu.se",
        )
        lead = self.person(
            cks,
            "Utbildningsansvarig",
            Role.OTHER,
            Level.NONE,
            email="arrangor.cks@example.org",
        )
        self.login(lead, "Organiser, CKS")
        cks.staff.add(lead)

        programme = self.programme(
            "cks-ledarskap-i-kommuner",
            organiser=cks,
            title="Ledarskap i kommuner",
            summary=(
                "För högre kommunala chefer som vill utveckla sitt personliga "
                "ledarskap, med en kommunchef som mentor."
            ),
            description=(
                "Utbildningen bygger på vetenskap och beprövad erfarenhet och "
                "förenar känsla, intellekt och omvärld. Du utvecklar ditt personliga "
                "ledarskap, din förmåga till omvärldsanalys och din roll som "
                "samhällsutvecklare, och får ökad självkännedom i de dilemman du "
                "möter som chef.\n\n"
                "CKS anordnar utbildningen tillsammans med kommuncheferna i ett "
                "tjugotal kommuner i Östergötland med omnejd. Kommuncheferna är "
                "mentorer: du träffar din mentor återkommande under utbildningen."
            ),
            target_group=(
                "Kommunala chefer som arbetar direkt mot den politiska ledningen i "
                "nämnder och styrelser, och ledare i stabsfunktion: till exempel "
                "förvaltningschef, kontorschef, avdelningschef, områdeschef, "
                "ekonomidirektör, personaldirektör eller strateg i kommunledningen."
            ),
            format=Programme.Format.ON_SITE,
            themes=["Personligt ledarskap", "Omvärldsanalys", "Hållbar utveckling"],
            rules=[
                {
                    "sectors": [Sector.MUNICIPAL],
                    "role_categories": [
                        Role.DEPARTMENT_HEAD,
                        Role.DIRECTOR,
                        Role.FINANCE_DIRECTOR,
                        Role.HR_DIRECTOR,
                        Role.STRATEGIST,
                    ],
                }
            ],
        )
        programme.contact_persons.add(lead)

        start = weekday_after(self.next_date(2, 4, lead_days=45))
        dates = [start + dt.timedelta(weeks=w) for w in (0, 6, 12, 18, 30, 36)]
        cohort = self.cohort(
            programme,
            f"Omgång {start.year}",
            actor=lead,
            starts_on=dates[0],
            ends_on=dates[-1],
            capacity=25,
            registration_opens_at=self.days_ago(20),
            registration_closes_at=at(start - dt.timedelta(days=21), 23, 59),
            location="Linköpings universitet, Campus Valla, Linköping",
            waitlist_enabled=True,
        )
        titles = [
            "Uppstart: det personliga ledarskapet",
            "Omvärldsanalys – chefen som samhällsspanare",
            "Individ, grupp, organisation och samhälle",
            "Samspelet med den politiska ledningen",
            "Långsiktigt hållbar samhällsutveckling",
            "Avslutning och reflektion med mentorerna",
        ]
        for number, (day, title) in enumerate(zip(dates, titles, strict=True), 1):
            self.session(
                cohort,
                f"Utbildningsdag {number}: {title}",
                actor=lead,
                starts_at=at(day, 9, 30),
                ends_at=at(day, 16, 30),
                mode=Session.Mode.ON_SITE,
                location="Linköpings universitet, Campus Valla, Linköping",
            )

        roles = [
            ("0581", "Förvaltningschef", Role.DEPARTMENT_HEAD),
            ("0583", "Ekonomidirektör", Role.FINANCE_DIRECTOR),
            ("0586", "Personaldirektör", Role.HR_DIRECTOR),
            ("0562", "Kontorschef", Role.DEPARTMENT_HEAD),
            ("0584", "Strateg i kommunledningen", Role.STRATEGIST),
            ("0582", "Avdelningschef", Role.DEPARTMENT_HEAD),
            ("0561", "Områdeschef", Role.DEPARTMENT_HEAD),
            ("0513", "Förvaltningschef", Role.DEPARTMENT_HEAD),
            ("0509", "Ekonomidirektör", Role.FINANCE_DIRECTOR),
        ]
        people = [
            self.person(swedish_municipality(code), title, role, Level.SENIOR)
            for code, title, role in roles
        ]
        municipal = self.person(
            swedish_municipality("0581"),
            "Förvaltningschef",
            Role.DEPARTMENT_HEAD,
            Level.SENIOR,
            email="deltagare.kommun@example.org",
        )
        self.login(municipal, "Participant: municipal head of department")
        self.municipal_participant = municipal
        self.register(people, cohort)

        # The mentors: chief executives of about twenty municipalities in and
        # around Östergötland. Mentoring itself comes with a later part.
        for code in MENTOR_MUNICIPALITIES:
            self.person(
                swedish_municipality(code),
                "Kommundirektör",
                Role.CHIEF_EXECUTIVE,
                Level.TOP,
            )

    def adda(self):
        adda = self.organisation(
            "Adda Inköpscentral",
            short_name="Adda",
            kind=Organisation.Kind.COMPANY,
            sector=Sector.OTHER_PUBLIC,
            website="https://www.adda.se",
        )
        unit = self.unit(adda, "Adda Kompetens")
        contact = self.person(
            adda,
            "Rådgivare",
            Role.OTHER,
            Level.NONE,
            unit=unit,
            email="arrangor.adda@example.org",
        )
        self.login(contact, "Organiser and contact person, Adda Kompetens")
        adda.staff.add(contact)
        teachers = [
            self.person(None, title, Role.OTHER, Level.NONE)
            for title in (
                "Professor i informationssystem",
                "Forskare i digital omställning",
                "Docent i informatik",
            )
        ]

        programme = self.programme(
            "adda-chefsprogram-valfardens-digitalisering",
            organiser=adda,
            title="Chefsprogram för välfärdens digitalisering",
            summary=(
                "För chefer i offentlig sektor som vill leda digitaliseringen och "
                "öka den digitala mognaden i sin organisation."
            ),
            description=(
                "Digitalisering är ett sätt att utveckla verksamheten: att med data "
                "och ny teknik effektivisera det som redan görs och hitta nya "
                "arbetssätt. Programmet ger dig som högre chef bättre förutsättningar "
                "att arbeta med digitaliseringsfrågor ur ett styrnings- och "
                "ledningsperspektiv.\n\n"
                "Programmet består av fem lärarledda träffar som varvas med "
                "självstudier och en arbetsintegrerad hemuppgift. Många "
                "organisationer skickar flera chefer med olika roller, så att de får "
                "ett gemensamt språk för nästa steg."
            ),
            target_group=(
                "Chefer i kommuner, regioner och statliga myndigheter som leder eller "
                "ansvarar för digital omställning."
            ),
            format=Programme.Format.BLENDED,
            themes=["Digitalisering", "Digital mognad", "Verksamhetsutveckling"],
            rules=[
                {
                    "sectors": [
                        Sector.MUNICIPAL,
                        Sector.REGIONAL,
                        Sector.STATE,
                        Sector.OTHER_PUBLIC,
                    ],
                    "managerial_levels": [Level.MIDDLE, Level.SENIOR, Level.TOP],
                }
            ],
        )
        programme.contact_persons.add(contact)
        programme.teachers.add(*teachers)

        spring_start = self.next_date(4, 3)
        spring_end = dt.date(spring_start.year, 6, 12)
        autumn_start = self.next_date(9, 2)
        rounds = [
            ("Våren", spring_start, spring_end),
            ("Hösten", autumn_start, autumn_start + dt.timedelta(days=70)),
        ]
        cohorts = []
        for season, start, end in rounds:
            cohort = self.cohort(
                programme,
                f"{season} {start.year}",
                actor=contact,
                starts_on=start,
                ends_on=end,
                capacity=30,
                registration_opens_at=self.days_ago(45),
                registration_closes_at=at(start - dt.timedelta(days=7), 23, 59),
                location="Stockholm och digitalt",
                waitlist_enabled=True,
            )
            self.adda_sessions(cohort, start, end, contact, teachers)
            cohorts.append(cohort)
        spring, autumn = cohorts

        # Eskilstuna sends five managers, each with a different role.
        eskilstuna = swedish_municipality("0484")
        care = self.unit(eskilstuna, "Vård- och omsorgsförvaltningen")
        culture = self.unit(eskilstuna, "Kultur- och fritidsförvaltningen")
        management = self.unit(eskilstuna, "Kommunledningsförvaltningen")
        eskilstuna_people = [
            self.person(
                eskilstuna,
                "Digitaliseringschef",
                Role.DIRECTOR,
                Level.SENIOR,
                unit=management,
            ),
            self.person(
                eskilstuna, "IT-chef", Role.IT_MANAGER, Level.MIDDLE, unit=management
            ),
            self.person(
                eskilstuna, "IT-chef", Role.IT_MANAGER, Level.MIDDLE, unit=management
            ),
            self.person(
                eskilstuna,
                "Utvecklingschef",
                Role.UNIT_MANAGER,
                Level.MIDDLE,
                unit=care,
            ),
            self.person(
                eskilstuna,
                "Kommunikationschef",
                Role.UNIT_MANAGER,
                Level.MIDDLE,
                unit=culture,
            ),
        ]
        others = self.public_managers(
            ["1280", "0380", "2480", "1880", "1490", "0680"], "Digitaliseringschef"
        )
        # The municipal demo login has a seat, so "My programmes" shows one.
        self.register([*eskilstuna_people, *others, self.municipal_participant], spring)

        # "50% already fully booked": half of the September round's seats.
        autumn_people = self.public_managers(
            [
                "0180",
                "1480",
                "0580",
                "0581",
                "1281",
                "1283",
                "0880",
                "1780",
                "2180",
                "2281",
                "2380",
                "2580",
                "0780",
                "1380",
                "1980",
            ],
            "Verksamhetsutvecklare med chefsansvar",
        )
        self.register(autumn_people, autumn)

    def adda_sessions(self, cohort, start, end, actor, teachers):
        titles = [
            "Digitalisering som verksamhetsutveckling",
            "Digital mognad, styrning och ledning",
            "Data, ny teknik och nya arbetssätt",
            "Att leda den digitala omställningen",
            "Hemuppgiften: redovisning och nästa steg",
        ]
        span = (end - start).days
        for number, title in enumerate(titles):
            day = start + dt.timedelta(days=round(number * span / 4))
            day = weekday_before(day) if number == 4 else weekday_after(day)
            on_site = number in (0, 4)
            self.session(
                cohort,
                f"Träff {number + 1}: {title}",
                actor=actor,
                teachers=[teachers[number % len(teachers)]],
                starts_at=at(day, 9, 0),
                ends_at=at(day, 16, 0),
                mode=Session.Mode.ON_SITE if on_site else Session.Mode.ONLINE,
                location="Konferenslokal i centrala Stockholm" if on_site else "",
                link=""
                if on_site
                else f"https://meet.example.org/adda-chefsprogram-{number + 1}",
            )

    def public_managers(self, codes, title):
        return [
            self.person(
                swedish_municipality(code), title, Role.UNIT_MANAGER, Level.MIDDLE
            )
            for code in codes
        ]

    @staticmethod
    def in_finnish(obj, **texts):
        """The Finnish version of a demo row's texts (the Swedish one is the default);
        kept when the row was there before."""
        names = [f"{name}_fi" for name in texts]
        if any(getattr(obj, name) for name in names):
            return obj
        for name, value in texts.items():
            setattr(obj, f"{name}_fi", value)
        obj.save(update_fields=names)
        return obj

    def finance_ministry(self):
        ministry = self.organisation(
            "Finansministeriet",
            short_name="FM",
            kind=Organisation.Kind.MINISTRY,
            sector=Sector.STATE,
            country=Organisation.Country.FINLAND,
            website="https://vm.fi",
        )
        unit = self.unit(ministry, "Avdelningen för utveckling av statsförvaltningen")
        lead = self.person(
            ministry,
            "Konsultativ tjänsteman",
            Role.OTHER,
            Level.NONE,
            unit=unit,
            email="arrangor.fm@example.org",
            finnish=True,
            language="fi",
        )
        self.login(lead, "Organiser, Finansministeriet (FI)")
        ministry.staff.add(lead)

        groups = self.programme(
            "fm-smagrupper-hogsta-ledningen",
            organiser=ministry,
            title="Smågrupper för statsförvaltningens högsta ledning",
            summary=(
                "Kollegialt stöd i grupper om åtta till tio personer från "
                "statsförvaltningens olika uppgiftsområden."
            ),
            description=(
                "Smågrupperna ger den högsta ledningen i statsförvaltningen en "
                "möjlighet att lära känna varandra, utbyta erfarenheter och stödja "
                "varandra i ledningsuppdraget. Grupperna har ingen färdig agenda: de "
                "kommer själva överens om arbetssätt och teman. Befintliga grupper "
                "fortsätter från år till år och tar vid behov in nya medlemmar.\n\n"
                "Finansministeriet deltar i gruppernas arbete, lyfter fram aktuella "
                "teman och stöder grupperna vid behov."
            ),
            target_group="Högsta tjänstemannaledningen i ministerier och ämbetsverk.",
            format=Programme.Format.ON_SITE,
            themes=["Kollegialt stöd", "Offentligt ledarskap"],
            rules=[{"sectors": [Sector.STATE], "managerial_levels": [Level.TOP]}],
        )
        self.in_finnish(
            groups,
            title="Valtionhallinnon ylimmän johdon pienryhmät",
            summary=(
                "Vertaistukea 8–10 hengen ryhmissä valtionhallinnon eri "
                "hallinnonaloilta."
            ),
            description=(
                "Pienryhmät tarjoavat valtionhallinnon ylimmälle johdolle "
                "mahdollisuuden tutustua toisiinsa, vaihtaa kokemuksia ja tukea "
                "toisiaan johtamistehtävässä. Ryhmillä ei ole valmista asialistaa: "
                "ne sopivat itse työtavoistaan ja teemoistaan. Nykyiset ryhmät "
                "jatkavat vuodesta toiseen ja ottavat tarvittaessa mukaan uusia "
                "jäseniä.\n\n"
                "Valtiovarainministeriö osallistuu ryhmien työhön, nostaa esiin "
                "ajankohtaisia teemoja ja tukee ryhmiä tarvittaessa."
            ),
            target_group="Ministeriöiden ja virastojen ylin virkamiesjohto.",
        )
        groups.contact_persons.add(lead)
        start = weekday_after(self.next_date(2, 2, lead_days=30))
        dates = [start + dt.timedelta(weeks=w) for w in (0, 10, 30, 40)]
        cohort = self.cohort(
            groups,
            f"Verksamhetsåret {start.year}",
            actor=lead,
            starts_on=dates[0],
            ends_on=dates[-1],
            capacity=40,
            registration_opens_at=self.days_ago(10, HELSINKI),
            registration_closes_at=at(start - dt.timedelta(days=7), 16, 0, HELSINKI),
            location="Finansministeriet, Helsingfors",
            waitlist_enabled=True,
        )
        self.in_finnish(
            cohort,
            name=f"Toimintavuosi {start.year}",
            location="Valtiovarainministeriö, Helsinki",
        )
        for number, day in enumerate(dates, 1):
            session = self.session(
                cohort,
                f"Morgonträff {number}",
                actor=lead,
                starts_at=at(day, 8, 0, HELSINKI),
                ends_at=at(day, 9, 30, HELSINKI),
                mode=Session.Mode.ON_SITE,
                location="Finansministeriet, Helsingfors",
            )
            self.in_finnish(
                session,
                title=f"Aamukahvitilaisuus {number}",
                location="Valtiovarainministeriö, Helsinki",
            )
        agencies = [
            self.organisation(name, kind=kind, sector=Sector.STATE, country="FI")
            for name, kind in (
                ("Undervisnings- och kulturministeriet", Organisation.Kind.MINISTRY),
                ("Statskontoret", Organisation.Kind.AGENCY),
                ("Skatteförvaltningen", Organisation.Kind.AGENCY),
                ("Trafikledsverket", Organisation.Kind.AGENCY),
            )
        ]
        top = [
            self.person(
                agencies[i % len(agencies)],
                title,
                Role.DIRECTOR_GENERAL,
                Level.TOP,
                finnish=True,
            )
            for i, title in enumerate(
                [
                    "Pääjohtaja",
                    "Kansliapäällikkö",
                    "Ylijohtaja",
                    "Pääjohtaja",
                    "Osastopäällikkö",
                    "Ylijohtaja",
                ]
            )
        ]
        self.register(top, cohort)
        # The annual leadership day itself is an event (tillit.demo.events).

    def linkoping(self):
        linkoping = swedish_municipality("0580")
        hr = self.unit(linkoping, "HR-avdelningen")
        lead = self.person(
            linkoping,
            "HR-strateg",
            Role.STRATEGIST,
            Level.NONE,
            unit=hr,
            email="arrangor.linkoping@example.org",
        )
        self.login(lead, "Organiser, Linköpings kommun")
        linkoping.staff.add(lead)

        programme = self.programme(
            "linkopings-kommun-chefsprogram",
            organiser=linkoping,
            title="Chefsprogrammet i Linköpings kommun",
            summary=(
                "Fem programdagar för kommunens chefer, blandat över "
                "förvaltningsgränserna."
            ),
            description=(
                "Under två år går alla kommunens chefer programmet. Grupperna "
                "blandar chefer från olika förvaltningar, så att ni kan lösa "
                "gemensamma utmaningar tillsammans. Programmet tar upp att leda i "
                "komplexitet, förändringsledning, kommunens styrmodell och en "
                "kommunövergripande samsyn på ledarskapet.\n\n"
                "Efter de fem dagarna fortsätter arbetet på hemmaplan, tillsammans "
                "med din egen chef, dina chefskollegor och dina medarbetare."
            ),
            target_group="Alla chefer i Linköpings kommun.",
            format=Programme.Format.ON_SITE,
            themes=[
                "Att leda i komplexitet",
                "Förändringsledning",
                "Styrmodell",
                "Gemensam syn på ledarskap",
            ],
            rules=[
                {
                    "sectors": [Sector.MUNICIPAL],
                    "managerial_levels": [Level.FIRST_LINE, Level.MIDDLE, Level.SENIOR],
                }
            ],
        )
        programme.contact_persons.add(lead)

        units = [
            self.unit(linkoping, name)
            for name in (
                "Utbildningsförvaltningen",
                "Socialförvaltningen",
                "Kultur- och fritidsförvaltningen",
                "Miljö- och samhällsbyggnadsförvaltningen",
                "Kommunledningsförvaltningen",
            )
        ]
        titles = [
            "Att leda i komplexitet",
            "Förändringsledning",
            "Kommunens styrmodell",
            "En gemensam syn på ledarskapet",
            "Uppföljning på hemmaplan och vägen vidare",
        ]
        rounds = [(1, self.next_date(2, 9), 23), (2, self.next_date(9, 7), 6)]
        for number, start, booked in rounds:
            start = weekday_after(start)
            dates = [start + dt.timedelta(weeks=2 * i) for i in range(5)]
            cohort = self.cohort(
                programme,
                f"Omgång {number}, {start.year}",
                actor=lead,
                starts_on=dates[0],
                ends_on=dates[-1],
                capacity=20,
                registration_opens_at=self.days_ago(14),
                registration_closes_at=at(start - dt.timedelta(days=10), 23, 59),
                location="Stadshuset, Linköping",
                waitlist_enabled=True,
            )
            for day_number, (day, title) in enumerate(zip(dates, titles, strict=True)):
                self.session(
                    cohort,
                    f"Programdag {day_number + 1}: {title}",
                    actor=lead,
                    starts_at=at(day, 8, 30),
                    ends_at=at(day, 16, 30),
                    mode=Session.Mode.ON_SITE,
                    location="Stadshuset, Linköping",
                )
            managers = [
                self.person(linkoping, title, role, level, unit=units[i % len(units)])
                for i, (title, role, level) in zip(
                    range(booked), _linkoping_roles(), strict=False
                )
            ]
            # Round 1: 20 seats, 23 managers: three join the waitlist.
            self.register(managers, cohort)

    def employer_contacts(self):
        """Eskilstuna's HR director books and follows the municipality's managers;
        Adda's September round lets organisations reserve seats and name people
        later, with at most six places per organisation."""
        eskilstuna = swedish_municipality("0484")
        management = self.unit(eskilstuna, "Kommunledningsförvaltningen")
        hr = self.person(
            eskilstuna,
            "HR-direktör",
            Role.HR_DIRECTOR,
            Level.TOP,
            unit=management,
            email="hr.eskilstuna@example.org",
        )
        self.login(hr, "Employer contact (HR director), Eskilstuna kommun")
        eskilstuna.employer_contacts.add(hr)
        for unit_name, title in [
            ("Barn- och utbildningsförvaltningen", "Förvaltningschef"),
            ("Barn- och utbildningsförvaltningen", "Biträdande förvaltningschef"),
            ("Stadsbyggnadsförvaltningen", "Avdelningschef"),
            ("Arbetsmarknads- och vuxenutbildningsförvaltningen", "Enhetschef"),
            ("Vård- och omsorgsförvaltningen", "Områdeschef"),
            ("Kultur- och fritidsförvaltningen", "Verksamhetschef"),
        ]:
            self.person(
                eskilstuna,
                title,
                Role.DEPARTMENT_HEAD
                if "förvaltningschef" in title
                else Role.UNIT_MANAGER,
                Level.MIDDLE,
                unit=self.unit(eskilstuna, unit_name),
            )
        autumn = Cohort.objects.filter(
            programme__slug="adda-chefsprogram-valfardens-digitalisering",
            name__startswith="Hösten",
        )
        for cohort in autumn:
            if cohort.naming_deadline is None:
                programme_services.update_cohort(
                    cohort,
                    actor=hr,
                    naming_deadline=at(cohort.starts_on - dt.timedelta(days=21), 12, 0),
                    max_seats_per_organisation=6,
                )


def _linkoping_roles():
    while True:
        yield "Enhetschef", Role.UNIT_MANAGER, Level.FIRST_LINE
        yield "Rektor", Role.UNIT_MANAGER, Level.FIRST_LINE
        yield "Verksamhetschef", Role.UNIT_MANAGER, Level.MIDDLE
        yield "Avdelningschef", Role.DEPARTMENT_HEAD, Level.MIDDLE


def at(day, hour, minute, tz=STOCKHOLM):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def weekday_after(day):
    """The day itself, or the Monday after when it falls on a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def weekday_before(day):
    """The day itself, or the Friday before when it falls on a weekend."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def load_demo(today=None) -> Report:
    """Load the demo in one transaction; see the module docstring.

    No mail is sent: demo people live at example.org, and receipts for a hundred
    bookings would only fill the console.
    """
    quiet = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    # Names are found and written in the default content language (Swedish),
    # whatever language the caller has active: translated fields are looked
    # up in the active language's column.
    with (
        override_settings(MAILERS=quiet),
        translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE),
        transaction.atomic(),
    ):
        return DemoLoader(today or timezone.localdate()).load()
