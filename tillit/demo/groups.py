"""Demo peer small groups (seed 003): the ministry's small groups for the top
management of the public sector, 40 managers in four groups, and next year's
round with newcomers waiting to be formed.

Runs after tillit.demo.core (Finansministeriet and its lead
arrangor.fm@example.org) and, if present, tillit.demo.networks (the peer
network with slug "smagrupper-hogsta-ledningen", which the round belongs to and
whose members join it). The 40 managers come from ministries, agencies,
municipalities, wellbeing services counties and other public bodies; all are
fictional. The groups are formed by the engine and published through the
services; their mails are recorded as skipped, not sent. One member,
smagrupp.medlem@example.org, has the demo password.

Idempotent: the round is found by owner, title and year; people by e-mail.
"""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tillit.core.models import ManagerialLevel, Organisation, Person, RoleCategory
from tillit.core.models import Sector as S
from tillit.demo.core import DEMO_PASSWORD, DemoPart, Login, _ascii
from tillit.groups import services
from tillit.groups.models import Application, GroupRound
from tillit.notifications.models import Notification

MINISTRY = "Finansministeriet"
LEAD = "arrangor.fm@example.org"
PEER_SLUG = "smagrupper-hogsta-ledningen"
TITLE = "Smågrupper för statsförvaltningens högsta ledning"
MEMBER_LOGIN = "smagrupp.medlem@example.org"
K = Organisation.Kind
ORGANISATIONS = [
    ("Undervisnings- och kulturministeriet", K.MINISTRY, S.STATE),
    ("Social- och hälsovårdsministeriet", K.MINISTRY, S.STATE),
    ("Miljöministeriet", K.MINISTRY, S.STATE),
    ("Justitieministeriet", K.MINISTRY, S.STATE),
    ("Statskontoret", K.AGENCY, S.STATE),
    ("Skatteförvaltningen", K.AGENCY, S.STATE),
    ("Trafikledsverket", K.AGENCY, S.STATE),
    ("Statistikcentralen", K.AGENCY, S.STATE),
    ("Helsingfors stad", K.MUNICIPALITY, S.MUNICIPAL),
    ("Esbo stad", K.MUNICIPALITY, S.MUNICIPAL),
    ("Tammerfors stad", K.MUNICIPALITY, S.MUNICIPAL),
    ("Åbo stad", K.MUNICIPALITY, S.MUNICIPAL),
    ("Västra Nylands välfärdsområde", K.REGION, S.REGIONAL),
    ("Birkalands välfärdsområde", K.REGION, S.REGIONAL),
    ("Folkpensionsanstalten", K.OTHER, S.OTHER_PUBLIC),
    ("Helsingfors universitet", K.UNIVERSITY, S.OTHER_PUBLIC),
]
REGIONS = {
    "Helsingfors stad": "Nyland",
    "Esbo stad": "Nyland",
    "Tammerfors stad": "Birkaland",
    "Åbo stad": "Egentliga Finland",
    "Västra Nylands välfärdsområde": "Nyland",
    "Birkalands välfärdsområde": "Birkaland",
}
# Titles as Finnish managers write them on their profiles.
ROLES = [
    ("Kansliapäällikkö", RoleCategory.DIRECTOR_GENERAL),
    ("Pääjohtaja", RoleCategory.DIRECTOR_GENERAL),
    ("Ylijohtaja", RoleCategory.DIRECTOR),
    ("Henkilöstöjohtaja", RoleCategory.HR_DIRECTOR),
    ("Kaupunginjohtaja", RoleCategory.CHIEF_EXECUTIVE),
    ("Hyvinvointialuejohtaja", RoleCategory.CHIEF_EXECUTIVE),
    ("Talousjohtaja", RoleCategory.FINANCE_DIRECTOR),
    ("Osastopäällikkö", RoleCategory.DEPARTMENT_HEAD),
]
FIRST = [
    "Heikki",
    "Tuula",
    "Pekka",
    "Riikka",
    "Sami",
    "Hanna",
    "Juha",
    "Marja",
    "Kari",
    "Tiina",
    "Petri",
    "Anu",
    "Markku",
    "Sari",
    "Jukka",
    "Päivi",
    "Harri",
    "Kirsi",
    "Olli",
    "Merja",
]
LAST = [
    "Aaltonen",
    "Hiltunen",
    "Kettunen",
    "Lampinen",
    "Manninen",
    "Ojala",
    "Peltonen",
    "Räsänen",
    "Seppälä",
    "Toivonen",
    "Turunen",
    "Väisänen",
]
MOTIVATIONS = [
    "Jag vill utbyta erfarenheter med ledare från andra delar av förvaltningen.",
    "Ett förtroligt forum för kollegialt stöd i ledningsuppdraget.",
    "Jag söker nya perspektiv på ledarskap i förändring.",
]
AGREEMENTS = [
    (
        "Vi träffas fyra gånger per år, två timmar på morgonen, hos en medlem i "
        "tur och ordning. Det som sägs i gruppen stannar i gruppen.",
        "Ledarskap i förändring; att leda experter; samarbetet mellan staten "
        "och kommunerna.",
    ),
    (
        "Varannan träff digitalt, varannan på plats. Var och en tar med en "
        "aktuell fråga från sitt eget uppdrag.",
        "Det offentliga ledarskapets identitet; att bygga tillit; hållbar "
        "arbetsbelastning.",
    ),
]


def logins():
    return [
        Login(
            MEMBER_LOGIN, "Peer small group member (Finansministeriet)", "Statskontoret"
        )
    ]


def load_demo(today) -> dict[str, int]:
    """Load the peer-group demo in one transaction; returns counts of what it
    made. Nothing is sent: the groups' mails are recorded as skipped."""
    with transaction.atomic():
        return _Loader(today).load()


class _Loader(DemoPart):
    def __init__(self, today):
        super().__init__(today)
        self.password = make_password(DEMO_PASSWORD)

    def load(self):
        ministry = Organisation.objects.filter(name=MINISTRY, country="FI").first()
        lead = Person.objects.filter(email=LEAD).first()
        if ministry is None or lead is None:
            return self.counts
        network = self.network()
        people = self.people(52)
        year = self.today.year
        first = self.round(ministry, lead, network, year)
        if not first.is_published:
            self.pool(first, people[:40], lead)
            services.request_proposal(first, actor=lead)
            groups = services.publish(first, actor=lead)
            self.count("peer groups", len(groups))
            self.quiet(first)
            self.group_pages(first, lead)
        second = GroupRound.objects.filter(continues=first).first()
        if second is None:
            second = services.continue_round(
                first, actor=lead, title=TITLE, year=year + 1
            )
            self.count("peer group rounds")
            for application in second.applications.order_by("pk")[:2]:
                services.withdraw(application, actor=application.person)
            self.pool(second, people[40:50], lead)
            for person in people[50:]:
                self.join_network(second, person)
                services.apply(
                    second, person, years_as_manager=4, motivation=MOTIVATIONS[0]
                )
                self.count("applications")
        return self.counts

    def network(self):
        from tillit.networks.models import Network

        return Network.objects.filter(slug=PEER_SLUG, kind=Network.Kind.PEER).first()

    def round(self, ministry, lead, network, year):
        round_ = GroupRound.objects.filter(
            owner=ministry, title=TITLE, year=year
        ).first()
        if round_ is None:
            round_ = services.create_round(
                actor=lead,
                owner=ministry,
                network=network,
                title=TITLE,
                year=year,
                description=(
                    "Smågrupperna ger den högsta ledningen möjlighet att lära känna "
                    "varandra, utbyta erfarenheter och stödja varandra i "
                    "ledningsuppdraget. Grupperna har ingen färdig agenda."
                ),
            )
            self.count("peer group rounds")
        return round_

    def organisations(self):
        return [
            Organisation.objects.get_or_create(
                name=name, country="FI", defaults={"kind": kind, "sector": sector}
            )[0]
            for name, kind, sector in ORGANISATIONS
        ]

    def people(self, count):
        organisations = self.organisations()
        people = []
        for i in range(count):
            first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
            title, role = ROLES[i % len(ROLES)]
            email = (
                MEMBER_LOGIN
                if i == 0
                else f"{_ascii(first)}.{_ascii(last)}@example.org"
            )
            org = organisations[(i * 5) % len(organisations)]
            if i == 0:
                org = organisations[4]
            person, created = Person.objects.get_or_create(
                email=email,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "title": title,
                    "role_category": role,
                    "managerial_level": ManagerialLevel.TOP,
                    "organisation": org,
                    "preferred_language": "sv",
                    "password": self.password if i == 0 else "!demo-no-login",
                },
            )
            self.count("people", created)
            people.append(person)
        return people

    def join_network(self, round_, person):
        """Make the person an active member of the round's network, if it has one."""
        from tillit.networks.models import Membership

        if round_.network_id:
            Membership.objects.get_or_create(
                network_id=round_.network_id,
                person=person,
                defaults={
                    "joined_at": timezone.now(),
                    "status": Membership.Status.ACTIVE,
                },
            )

    def pool(self, round_, people, lead):
        for i, person in enumerate(people):
            self.join_network(round_, person)
            _application, created = Application.objects.get_or_create(
                round=round_,
                person=person,
                defaults={
                    "status": Application.Status.ACCEPTED,
                    "years_as_manager": 3 + (i * 7) % 25,
                    "motivation": MOTIVATIONS[i % len(MOTIVATIONS)],
                    "region": REGIONS.get(person.organisation.name, ""),
                    "decided_by": lead,
                    "decided_at": timezone.now(),
                },
            )
            self.count("applications", created)

    def quiet(self, round_):
        self.count(
            "demo mails skipped",
            Notification.objects.filter(
                key__startswith="peer-group:",
                status=Notification.Status.QUEUED,
                person__in=round_.members.values("person"),
            ).update(status=Notification.Status.SKIPPED, last_error="Demo data."),
        )

    def group_pages(self, round_, lead):
        services.raise_theme(
            round_,
            actor=lead,
            title="Det offentliga ledarskapets identitet i en ny era",
            text="Temat för dagen för offentligt ledarskap: vad betyder det i er "
            "vardag?",
        )
        for index, group in enumerate(round_.groups.order_by("number")):
            member = group.members.select_related("person").first().person
            ways, themes = AGREEMENTS[index % len(AGREEMENTS)]
            services.write_agreement(
                group, actor=member, ways_of_working=ways, themes=themes
            )
            starts = timezone.make_aware(
                dt.datetime.combine(
                    self.today + dt.timedelta(days=21 + 7 * index), dt.time(8, 0)
                )
            )
            services.plan_meeting(
                group,
                actor=member,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                place="Finansministeriet, Helsingfors",
            )
            services.log_meeting(
                group,
                actor=member,
                held_on=self.today - dt.timedelta(days=14),
                text="Första träffen: vi presenterade oss och kom överens om hur "
                "vi vill arbeta.",
            )
            self.count("group meetings")
