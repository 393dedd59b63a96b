"""Demo networks from the ministry text (seed 003), loaded after tillit.demo.core
(and after tillit.demo.learning, whose certificates make alumni).

Finansministeriet (FI) owns:
- Ledningsforumet: the forum of the ministries' and agencies' top officials,
  by invitation, with morning meetings a few times a year.
- Forumet för ledningen inom statsförvaltningen: the HR directors' forum, by
  application, with a chair (login ordforande.hrforum@example.org), morning
  meetings, a yearly seminar, announcements, a shared file and one application
  waiting for the chair.
- Smågrupperna för statsförvaltningens högsta ledning: the peer network whose
  small groups tillit.groups forms (slug PEER_SLUG); arrangor.fm facilitates.
- Nätverket för offentligt ledarskap: an open network by application that takes
  outside actors too (a company and an association among its members); the
  participant login deltagare.stat@example.org has an invitation to answer.
And the alumni network of Adda's programme, backfilled from learning's alumni.

The ministry's networks are bilingual: their names, descriptions, meetings and
announcements are written in Swedish, Finnish and English; the alumni network
of the Swedish programme writes Swedish and English.

Idempotent: rows are found by slug, e-mail or title and created only when
missing; a network, meeting or announcement found keeps its texts and gets the
language versions it lacks. No mail is sent.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings

from tillit.core.models import ManagerialLevel, Organisation, Person, RoleCategory
from tillit.demo.core import DEMO_PASSWORD, Login
from tillit.networks import services
from tillit.networks.models import (
    Announcement,
    Meeting,
    Membership,
    Network,
    SharedFile,
)
from tillit.programmes.models import Programme

HELSINKI = ZoneInfo("Europe/Helsinki")
MINISTRY = "Finansministeriet"
FORUM_SLUG = "ledningsforumet"
HR_SLUG = "hr-direktorernas-forum"
PEER_SLUG = "smagrupper-hogsta-ledningen"
OPEN_SLUG = "natverket-for-offentligt-ledarskap"
HR_CHAIR = "ordforande.hrforum@example.org"
MINISTRY_ADDRESS = {
    "place_fi": "Valtiovarainministeriö, Snellmaninkatu 1, Helsinki",
    "place_en": "Ministry of Finance, Snellmaninkatu 1, Helsinki",
}
ADDA = "adda-chefsprogram-valfardens-digitalisering"

# Fictional HR directors of Finnish state bodies (name, e-mail, organisation).
HR_DIRECTORS = [
    ("Kaisa", "Lindroos", HR_CHAIR, "Statskontoret"),
    ("Timo", "Rantanen", "hr.skatt@example.org", "Skatteförvaltningen"),
    ("Elina", "Vainio", "hr.trafikled@example.org", "Trafikledsverket"),
    ("Outi", "Laaksonen", "hr.ukm@example.org", "Undervisnings- och kulturministeriet"),
    ("Jari", "Salonen", "hr.fm@example.org", MINISTRY),
]
HR_APPLICANT = ("Satu", "Heikkilä", "hr.ansokan@example.org", "Statskontoret")
OUTSIDERS = [
    (
        "Ville",
        "Nieminen",
        "ville.nieminen@example.org",
        "Exempel Ledarskapskonsult Ab",
        Organisation.Kind.COMPANY,
    ),
    (
        "Aino",
        "Koskinen",
        "aino.koskinen@example.org",
        "Föreningen för offentlig ledning rf",
        Organisation.Kind.ASSOCIATION,
    ),
]


class NetworksDemo:
    def __init__(self, today):
        self.today = today
        self.created = {}

    def count(self, what, created=True):
        if created:
            self.created[what] = self.created.get(what, 0) + 1

    # Rows -----------------------------------------------------------------------

    def organisation(self, name, kind=Organisation.Kind.AGENCY, sector="state"):
        organisation, created = Organisation.objects.get_or_create(
            name=name, country="FI", defaults={"kind": kind, "sector": sector}
        )
        self.count("organisations", created)
        return organisation

    def person(self, first, last, email, organisation, *, title, role, level):
        person, created = Person.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "title": title,
                "role_category": role,
                "managerial_level": level,
                "organisation": organisation,
                "preferred_language": "sv",
                "password": "!demo-no-login",
            },
        )
        self.count("people", created)
        return person

    def network(self, slug, owner, **fields):
        network, created = Network.objects.get_or_create(
            slug=slug, defaults={"owner": owner, **fields}
        )
        self.count("networks", created)
        if not created:
            self.add_languages(network, fields)
        return network

    def member(self, network, person, role=Membership.Role.MEMBER, **visible):
        membership, created = Membership.objects.get_or_create(
            network=network,
            person=person,
            defaults={
                "role": role,
                "status": Membership.Status.ACTIVE,
                "joined_at": self.at(-120, 9),
                **visible,
            },
        )
        self.count("network members", created)
        return membership

    def meeting(self, network, title, days, hour, hours=1.5, **fields):
        """`fields` may give the texts per language (title_fi, place_en, ...)."""
        starts = self.at(days, hour)
        meeting, created = Meeting.objects.get_or_create(
            network=network,
            title=title,
            defaults={
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=hours),
                **fields,
            },
        )
        self.count("network meetings", created)
        if not created:
            self.add_languages(meeting, fields)

    def announcement(self, network, author, title, body, **texts):
        """`texts` gives the title and body per language (title_fi, body_en, ...)."""
        announcement = Announcement.objects.filter(network=network, title=title).first()
        if announcement is None:
            Announcement.objects.create(
                network=network, author=author, title=title, body=body, **texts
            )
            self.count("announcements")
        else:
            self.add_languages(announcement, texts)

    def add_languages(self, row, texts):
        """Fill the language versions a row made by an earlier demo lacks."""
        missing = {
            name: value
            for name, value in texts.items()
            if name[-3:] in ("_fi", "_en") and value and not getattr(row, name)
        }
        for name, value in missing.items():
            setattr(row, name, value)
        if missing:
            row.save(update_fields=sorted(missing))
            self.count("texts in Finnish and English", True)

    def at(self, days, hour, minute=0):
        day = self.today + dt.timedelta(days=days)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI)

    # The networks ---------------------------------------------------------------

    def load(self):
        ministry = Organisation.objects.filter(name=MINISTRY, country="FI").first()
        if ministry is None:  # the core demo has not run
            return self.created
        lead = Person.objects.filter(email="arrangor.fm@example.org").first()
        # The top officials the core demo seats on the ministry's programme (not
        # people later demos add, so that loading again adds nobody).
        top = list(
            Person.objects.filter(
                organisation__country="FI",
                managerial_level=ManagerialLevel.TOP,
                registrations__cohort__programme__organiser=ministry,
            )
            .distinct()
            .order_by("pk")[:12]
        )
        self.forum(ministry, lead, top)
        self.hr_forum(ministry)
        self.peer_network(ministry, lead, top)
        self.open_network(ministry, lead, top)
        self.alumni()
        return self.created

    def forum(self, ministry, lead, top):
        network = self.network(
            FORUM_SLUG,
            ministry,
            kind=Network.Kind.FORUM,
            name="Ledningsforumet",
            name_fi="Johtamisfoorumi",
            name_en="Leadership forum",
            description_en=(
                "Meetings for the top civil-service management of the ministries "
                "and agencies, to strengthen the dialogue within the leadership "
                "and to discuss openly both current questions and long-term "
                "development. Outside experts and representatives of the political "
                "leadership take part.\n\n"
                "The ministry also invites to short morning meetings a few times a "
                "year when needed."
            ),
            description_fi=(
                "Tapaamisia ministeriöiden ja virastojen ylimmälle virkamiesjohdolle. "
                "Tavoitteena on lisätä johdon vuorovaikutusta ja käydä avointa "
                "keskustelua sekä ajankohtaisista että pitkän aikavälin "
                "kehittämiskysymyksistä. Mukana on ulkopuolisia asiantuntijoita ja "
                "poliittisen johdon edustajia.\n\n"
                "Ministeriö kutsuu tarvittaessa koolle myös lyhyitä "
                "aamukahvitilaisuuksia muutaman kerran vuodessa."
            ),
            description=(
                "Möten för ministeriernas och ämbetsverkens högsta "
                "tjänstemannaledning. Syftet är att öka växelverkan mellan ledningen "
                "och föra en öppen diskussion om både aktuella frågor och "
                "utvecklingsfrågor på lång sikt. Utomstående experter och "
                "representanter för den politiska ledningen deltar.\n\n"
                "Ministeriet bjuder också in till korta morgonträffar vid behov några "
                "gånger per år."
            ),
            join_policy=Network.JoinPolicy.INVITATION,
        )
        if lead:
            self.member(network, lead, Membership.Role.FACILITATOR, show_email=True)
        for person in top:
            self.member(network, person, show_title=True, show_organisation=True)
        self.meeting(
            network,
            "Morgonträff: kunskapsbaserat ledarskap",
            -40,
            8,
            title_fi="Aamukahvitilaisuus: tietoon perustuva johtaminen",
            title_en="Morning meeting: knowledge-based leadership",
            place="Finansministeriet, Snellmansgatan 1, Helsingfors",
            **MINISTRY_ADDRESS,
        )
        self.meeting(
            network,
            "Ledningsforum: offentliga ledarskapets identitet",
            25,
            13,
            hours=3,
            title_fi="Johtamisfoorumi: julkisen johtamisen identiteetti",
            title_en="Leadership forum: the identity of public leadership",
            place="Ständerhuset, Helsingfors",
            place_fi="Säätytalo, Helsinki",
            place_en="House of the Estates, Helsinki",
            description="Med inbjudna experter och representanter för den "
            "politiska ledningen.",
            description_fi="Mukana kutsuttuja asiantuntijoita ja poliittisen "
            "johdon edustajia.",
            description_en="With invited experts and representatives of the "
            "political leadership.",
        )
        self.meeting(
            network,
            "Morgonträff: den offentliga ekonomins framtid",
            60,
            8,
            title_fi="Aamukahvitilaisuus: julkisen talouden tulevaisuus",
            title_en="Morning meeting: the future of public finances",
            online_url="https://meet.example.org/ledningsforumet",
        )

    def hr_forum(self, ministry):
        people = []
        for first, last, email, org_name in HR_DIRECTORS:
            organisation = self.organisation(
                org_name,
                Organisation.Kind.MINISTRY
                if "ministeriet" in org_name
                else Organisation.Kind.AGENCY,
            )
            people.append(
                self.person(
                    first,
                    last,
                    email,
                    organisation,
                    title="Personaldirektör",
                    role=RoleCategory.HR_DIRECTOR,
                    level=ManagerialLevel.SENIOR,
                )
            )
        chair = people[0]
        if not chair.has_usable_password():
            chair.password = make_password(DEMO_PASSWORD)
            chair.save(update_fields=["password"])
        network = self.network(
            HR_SLUG,
            ministry,
            kind=Network.Kind.FORUM,
            name="Forumet för ledningen inom statsförvaltningen (HR-direktörer)",
            name_fi="Valtionhallinnon HR-johdon foorumi",
            name_en="Forum of HR directors in central government",
            description_en=(
                "The forum strengthens cooperation and networking and shares good "
                "practice in central government. It takes part in preparing the HR "
                "guidelines and works with the central government's HR steering "
                "group. Its members are the directors and managers responsible for "
                "personnel and staff development at the agencies and ministries."
            ),
            description_fi=(
                "Foorumi vahvistaa yhteistyötä ja verkostoitumista sekä jakaa hyviä "
                "käytäntöjä valtionhallinnossa. Se osallistuu HR-linjausten "
                "valmisteluun. Jäsenet ovat virastojen ja ministeriöiden "
                "henkilöstöasioista ja henkilöstön kehittämisestä vastaavia "
                "johtajia ja esihenkilöitä."
            ),
            description=(
                "Forumet stärker samarbetet och nätverkandet och delar god praxis "
                "inom statsförvaltningen. Det deltar i beredningen av HR-riktlinjerna "
                "och samarbetar med statens HR-styrgrupp. Medlemmarna är direktörer "
                "och chefer som svarar för personalfrågor och personalutveckling vid "
                "ämbetsverken och ministerierna.\n\n"
                "Forumet samlas till morgonträffar och ett årligt längre seminarium; "
                "samarbetet fortsätter mellan mötena. Ordföranden samarbetar med "
                "ministeriets avdelning för utveckling av statsförvaltningen."
            ),
            join_policy=Network.JoinPolicy.APPLICATION,
        )
        self.member(
            network,
            chair,
            Membership.Role.CHAIR,
            show_email=True,
            show_title=True,
            show_organisation=True,
        )
        for person in people[1:]:
            self.member(network, person, show_organisation=True)
        self.meeting(
            network,
            "Morgonträff: HR-riktlinjerna",
            -21,
            8,
            title_fi="Aamukahvitilaisuus: HR-linjaukset",
            title_en="Morning meeting: the HR guidelines",
            place="Finansministeriet, Helsingfors",
            place_fi="Valtiovarainministeriö, Helsinki",
            place_en="Ministry of Finance, Helsinki",
        )
        self.meeting(
            network,
            "Morgonträff: kompetensförsörjning i staten",
            14,
            8,
            title_fi="Aamukahvitilaisuus: osaamisen turvaaminen valtiolla",
            title_en="Morning meeting: securing skills in central government",
            online_url="https://meet.example.org/hr-forum",
        )
        self.meeting(
            network,
            "Årligt seminarium för HR-direktörer",
            75,
            9,
            hours=7,
            title_fi="HR-johtajien vuosittainen seminaari",
            title_en="Annual seminar for HR directors",
            place="Hanaholmen, Esbo",
            place_fi="Hanasaari, Espoo",
            place_en="Hanasaari, Espoo",
            description="Forumets årliga längre seminarium: ledarskap, arbetsgivar"
            "politik och samarbetet med statens HR-styrgrupp.",
            description_fi="Foorumin vuosittainen pidempi seminaari: johtaminen, "
            "työnantajapolitiikka ja yhteistyö valtion HR-ohjausryhmän kanssa.",
            description_en="The forum's yearly longer seminar: leadership, "
            "employer policy and the work with the central government's HR "
            "steering group.",
        )
        self.announcement(
            network,
            chair,
            "Välkomna till vårens träffar",
            "Vårens första morgonträff handlar om kompetensförsörjning i staten. "
            "Anmäl gärna teman till årets seminarium till mig senast i mars.",
            title_fi="Tervetuloa kevään tapaamisiin",
            body_fi="Kevään ensimmäinen aamukahvitilaisuus käsittelee osaamisen "
            "turvaamista valtiolla. Ehdottakaa vuoden seminaarin teemoja minulle "
            "viimeistään maaliskuussa.",
            title_en="Welcome to the spring meetings",
            body_en="The first morning meeting of the spring is about securing "
            "skills in central government. Please send me themes for this year's "
            "seminar by the end of March.",
        )
        if not SharedFile.objects.filter(network=network).exists():
            notes = (
                "Minnesanteckningar, morgonträff om HR-riktlinjerna\n\n"
                "- Utkastet till HR-riktlinjer presenterades.\n"
                "- Forumet lämnar synpunkter till HR-styrgruppen.\n"
            ).encode()
            SharedFile.objects.create(
                network=network,
                file=ContentFile(notes, name="minnesanteckningar.txt"),
                original_name="Minnesanteckningar HR-riktlinjerna.txt",
                file_type="txt",
                size=len(notes),
                uploaded_by=chair,
                description="Från morgonträffen om HR-riktlinjerna",
            )
            self.count("shared files")
        first, last, email, org_name = HR_APPLICANT
        applicant = self.person(
            first,
            last,
            email,
            self.organisation(org_name),
            title="Utvecklingschef, personal",
            role=RoleCategory.HR_DIRECTOR,
            level=ManagerialLevel.MIDDLE,
        )
        if not Membership.objects.filter(network=network, person=applicant).exists():
            services.apply(
                applicant,
                network,
                text="Jag ansvarar för personalutvecklingen vid Statskontoret och "
                "vill gärna delta i forumets arbete med HR-riktlinjerna.",
            )
            self.count("applications")

    def peer_network(self, ministry, lead, top):
        network = self.network(
            PEER_SLUG,
            ministry,
            kind=Network.Kind.PEER,
            name="Smågrupperna för statsförvaltningens högsta ledning",
            name_fi="Valtionhallinnon ylimmän johdon pienryhmät",
            name_en="Small groups for the top management of central government",
            description_en=(
                "Peer-support small groups without a set agenda: each group agrees "
                "on its own ways of working and themes. New groups of eight to ten "
                "are formed so that their members come from different branches of "
                "central government. The Ministry of Finance takes part and brings "
                "up current themes."
            ),
            description_fi=(
                "Vertaistuen pienryhmiä ilman valmista asialistaa: ryhmät sopivat "
                "itse työtavoistaan ja teemoistaan. Uudet 8–10 hengen ryhmät "
                "muodostetaan niin, että jäsenet edustavat valtionhallinnon eri "
                "hallinnonaloja.\n\n"
                "Valtiovarainministeriö osallistuu ryhmien toimintaan ja nostaa esiin "
                "ajankohtaisia teemoja."
            ),
            description=(
                "Smågrupper för kollegialt stöd utan färdig agenda: grupperna kommer "
                "själva överens om arbetssätt och teman. Befintliga grupper fortsätter "
                "och kompletteras vid behov med nya deltagare; nya grupper om åtta "
                "till tio personer bildas så att medlemmarna representerar "
                "statsförvaltningens olika uppgiftsområden.\n\n"
                "Finansministeriet deltar i gruppernas verksamhet och lyfter fram "
                "aktuella teman."
            ),
            join_policy=Network.JoinPolicy.INVITATION,
        )
        if lead:
            self.member(network, lead, Membership.Role.FACILITATOR, show_email=True)
        for person in top:
            self.member(network, person, show_organisation=True)

    def open_network(self, ministry, lead, top):
        network = self.network(
            OPEN_SLUG,
            ministry,
            kind=Network.Kind.OPEN,
            name="Nätverket för offentligt ledarskap",
            name_fi="Julkisen johtamisen verkosto",
            name_en="Network for public leadership",
            description_en=(
                "An open development network for leaders in central government, "
                "municipalities and other public organisations, and more and more "
                "often for outside actors too. We share experience from joint "
                "training programmes and talk about the identity of public "
                "leadership."
            ),
            description_fi=(
                "Avoin kehittämisverkosto valtion, kuntien ja muiden julkisten "
                "organisaatioiden johtajille ja yhä useammin myös ulkopuolisille "
                "toimijoille. Jaamme kokemuksia yhteisistä valmennusohjelmista ja "
                "keskustelemme julkisen johtamisen identiteetistä."
            ),
            description=(
                "Ett öppet utvecklingsnätverk för ledare i staten, kommunerna och "
                "andra offentliga organisationer, och allt oftare också för "
                "utomstående aktörer: företag, sammanslutningar och enskilda. Vi "
                "delar erfarenheter från gemensamma träningsprogram och samtalar om "
                "det offentliga ledarskapets identitet."
            ),
            join_policy=Network.JoinPolicy.APPLICATION,
            allows_external=True,
        )
        if lead:
            self.member(network, lead, Membership.Role.CHAIR, show_email=True)
        for person in top[:3]:
            self.member(network, person)
        for first, last, email, org_name, kind in OUTSIDERS:
            organisation = self.organisation(org_name, kind, sector="private")
            person = self.person(
                first,
                last,
                email,
                organisation,
                title="Konsult" if kind == Organisation.Kind.COMPANY else "Ordförande",
                role=RoleCategory.OTHER,
                level=ManagerialLevel.NONE,
            )
            self.member(network, person, show_organisation=True)
        self.meeting(
            network,
            "Webbinarium: ledarskap för det gemensamma bästa",
            30,
            14,
            title_fi="Webinaari: johtaminen yhteiseksi hyväksi",
            title_en="Webinar: leadership for the common good",
            online_url="https://meet.example.org/offentligt-ledarskap",
        )
        participant = Person.objects.filter(email="deltagare.stat@example.org").first()
        invited = Membership.objects.filter(network=network, person=participant)
        if participant and lead and not invited.exists():
            services.invite(network, participant, actor=lead)
            self.count("invitations")

    def alumni(self):
        added = services.backfill_alumni()
        if added:
            self.created["alumni network members"] = added
        programme = Programme.objects.filter(slug=ADDA).first()
        network = programme and programme.networks.filter(kind="alumni").first()
        if network:
            self.meeting(
                network,
                "Alumnträff: ett år med digitaliseringen",
                45,
                15,
                hours=2,
                title_en="Alumni meeting: a year of digitalisation",
                online_url="https://meet.example.org/adda-alumni",
            )


def load_demo(today) -> dict[str, int]:
    """Load the networks demo in one transaction; returns counts of what it made."""
    quiet = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    with override_settings(MAILERS=quiet), transaction.atomic():
        return NetworksDemo(today).load()


def logins() -> list[Login]:
    return [
        Login(
            HR_CHAIR,
            "Chair of the HR directors' forum: members, applications, meetings",
            "Statskontoret",
        )
    ]
