"""Demo data for events, loaded after tillit.demo.core (and after the networks
demo, when there is one: a forum of Finansministeriet found then gets the
morning meetings and the invitation).

Finansministeriet's public-leadership day of the seed (16 February 2022, theme
"Det offentliga ledarskapets identitet i en ny era") is a past event with a
recording and the publication (fictional example.org links); next year's day
is open for registration, with a programme of talks, and two morning meetings
of the forum follow. Seats are booked through the events service, so they go
through the same registration lock as any cohort. Every speaker and
participant is fictional.

Idempotent: an event is found by its organiser and title and made only when
missing; seats and invitations are only added to events made in this run.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from tillit.core.models import Organisation, Person
from tillit.demo.core import DemoPart, at, weekday_after
from tillit.events import services
from tillit.events.models import Event
from tillit.networks.models import Network

HELSINKI = ZoneInfo("Europe/Helsinki")
ORGANISER = "arrangor.fm@example.org"
PARTICIPANTS = ["deltagare.stat@example.org", "deltagare.kommun@example.org"]
THEME_2022 = "Det offentliga ledarskapets identitet i en ny era"
PUBLICATION = (
    "Offentligt ledarskap – den offentliga ledningens identitet, ledarnas "
    "ställning och arbetets krav på 2020-talet"
)
PUBLICATION_FI = (
    "Julkinen johtaminen – julkisen johdon identiteetti, johtajien asema ja "
    "työn vaatimukset 2020-luvulla"
)
PUBLICATION_EN = (
    "Public leadership – the identity of public management, the position of "
    "leaders and the demands of their work in the 2020s"
)
# Speakers are names: a talk's speaker is written once, not per language.
DAY_TALKS = [
    (dt.time(9, 0), dt.time(9, 20), "Välkommen och inledning", "Liisa Heikkilä, FM"),
    (
        dt.time(9, 20),
        dt.time(10, 15),
        "Förtroende som ledningens grund",
        "Mikko Salonen",
    ),
    (
        dt.time(10, 30),
        dt.time(11, 30),
        "Panel: staten och kommunerna leder tillsammans",
        "Anna Lindqvist, Jari Nieminen, Sari Väisänen",
    ),
    (dt.time(12, 30), dt.time(13, 30), "Smågrupper: ledarskap i vardagen", ""),
    (dt.time(13, 45), dt.time(15, 0), "Slutdiskussion och vägen vidare", ""),
]

# The talks' titles in Finnish (the ministry publishes in both languages).
TALKS_IN_FINNISH = {
    "Välkommen och inledning": "Tervetuloa ja avaus",
    "Förtroende som ledningens grund": "Luottamus johtamisen perustana",
    "Panel: staten och kommunerna leder tillsammans": (
        "Paneeli: valtio ja kunnat johtavat yhdessä"
    ),
    "Smågrupper: ledarskap i vardagen": "Pienryhmät: johtaminen arjessa",
    "Slutdiskussion och vägen vidare": "Loppukeskustelu ja jatko",
    "Kaffe och välkommen": "Kahvit ja tervetuloa",
    "Samtal": "Keskustelu",
}


def load_demo(today) -> dict[str, int]:
    """Load the events demo; returns counts of what it created."""
    with transaction.atomic():
        return _Loader(today).load()


class _Loader(DemoPart):
    def load(self):
        organiser = Person.objects.filter(email=ORGANISER).first()
        if organiser is None or not organiser.organiser_for.exists():
            return self.counts  # the core demo is not loaded
        self.organiser = organiser
        self.ministry = organiser.organiser_for.get(name="Finansministeriet")
        self.forum = (
            Network.objects.filter(owner=self.ministry, kind=Network.Kind.FORUM)
            .order_by("pk")
            .first()
        )
        self.past_day()
        self.next_day()
        self.morning_meetings()
        return self.counts

    def event(self, title, **fields):
        """The event with this title, made when missing; (event, created)."""
        existing = Event.objects.filter(
            cohort__programme__organiser=self.ministry, title=title
        ).first()
        if existing:
            return existing, False
        event = services.create_event(
            self.ministry, actor=self.organiser, title=title, **fields
        )
        self.count("events")
        return event, True

    def past_day(self):
        day = dt.date(2022, 2, 16)
        event, created = self.event(
            "Dagen för offentligt ledarskap 2022",
            title_fi="Julkisen johtamisen päivä 2022",
            description_fi=(
                "Julkisen johtamisen päivä järjestettiin verkkotapahtumana Marina "
                "Congress Centeristä Helsingistä. Se oli tarkoitettu valtionhallinnon "
                "johdon, kuntajohdon ja muiden julkisten organisaatioiden johtajille "
                "ja esihenkilöille."
            ),
            theme=THEME_2022,
            theme_fi="Julkisen johtamisen identiteetti uudella aikakaudella",
            description=(
                "Dagen för offentligt ledarskap ordnades som webbtillställning "
                "från Marina Congress Center i Helsingfors. Den var avsedd för "
                "direktörer och chefer inom statsförvaltningens ledning, "
                "kommunledningen och andra offentliga organisationer."
            ),
            format=Event.Format.ONLINE,
            starts_at=at(day, 9, 0, HELSINKI),
            ends_at=at(day, 15, 0, HELSINKI),
            stream_link="https://live.example.org/offentligt-ledarskap-2022",
            capacity=800,
            waitlist_enabled=False,
            registration_opens_at=at(day - dt.timedelta(days=40), 9, 0, HELSINKI),
            registration_closes_at=at(day - dt.timedelta(days=2), 16, 0, HELSINKI),
        )
        if created:
            self.talks(event, DAY_TALKS[:3])
            services.save_material(
                event,
                actor=self.organiser,
                recording_url="https://video.example.org/offentligt-ledarskap-2022",
                publication_title=PUBLICATION,
                publication_title_fi=PUBLICATION_FI,
                publication_title_en=PUBLICATION_EN,
                publication_url="https://julkaisut.example.org/offentligt-ledarskap",
            )

    def next_day(self):
        day = weekday_after(self._next(2, 16))
        event, created = self.event(
            f"Dagen för offentligt ledarskap {day.year}",
            title_fi=f"Julkisen johtamisen päivä {day.year}",
            theme="Förtroende och gemensam riktning i den offentliga förvaltningen",
            theme_fi="Luottamus ja yhteinen suunta julkisessa hallinnossa",
            description_fi=(
                "Vuosittainen verkkotapahtuma valtionhallinnon, kuntien ja muiden "
                "julkisten organisaatioiden johdolle, mahdollisuus osallistua myös "
                "paikan päällä Helsingissä."
            ),
            description=(
                "En årlig webbtillställning för ledningen i statsförvaltningen, "
                "kommunerna och andra offentliga organisationer, med möjlighet "
                "att delta på plats i Helsingfors."
            ),
            format=Event.Format.HYBRID,
            starts_at=at(day, 9, 0, HELSINKI),
            ends_at=at(day, 15, 0, HELSINKI),
            place_sv="Marina Congress Center, Helsingfors",
            place_fi="Marina Congress Center, Helsinki",
            stream_link="https://live.example.org/offentligt-ledarskap",
            capacity=300,
            waitlist_enabled=True,
            registration_opens_at=at(self.today - dt.timedelta(days=7), 9, 0, HELSINKI),
            registration_closes_at=at(day - dt.timedelta(days=2), 16, 0, HELSINKI),
        )
        if not created:
            return
        self.talks(event, DAY_TALKS)
        self.register(event, self._top_managers()[:6] + self._participants())
        if self.forum is not None:
            services.invite(
                event, actor=self.organiser, audience="network", network=self.forum
            )
        else:
            services.invite(
                event,
                actor=self.organiser,
                audience="target_group",
                sectors=["state"],
                managerial_levels=["top"],
            )
        self.count("invitation rounds")

    def morning_meetings(self):
        first = weekday_after(self.today + dt.timedelta(days=24))
        subjects = [
            (
                "Morgonträff: HR-riktlinjerna i staten",
                "Aamukahvitilaisuus: valtion HR-linjaukset",
                first,
            ),
            (
                "Morgonträff: Ledarskap i förändring",
                "Aamukahvitilaisuus: johtaminen muutoksessa",
                first + dt.timedelta(weeks=8),
            ),
        ]
        for title, title_fi, day in subjects:
            event, created = self.event(
                title,
                title_fi=title_fi,
                theme_fi="Valtionhallinnon johdon foorumi",
                description_fi=(
                    "Lyhyt aamukahvitilaisuus foorumin jäsenille: virastojen ja "
                    "ministeriöiden henkilöstöasioista vastaaville johtajille ja "
                    "esihenkilöille."
                ),
                theme="Forumet för ledningen inom statsförvaltningen",
                description=(
                    "En kort morgonträff för forumets medlemmar: direktörer och "
                    "chefer som svarar för personalfrågor vid ämbetsverken och "
                    "ministerierna."
                ),
                format=Event.Format.ON_SITE,
                starts_at=at(day, 8, 0, HELSINKI),
                ends_at=at(day, 9, 30, HELSINKI),
                place_sv="Finansministeriet, Snellmansgatan 1, Helsingfors",
                place_fi="Valtiovarainministeriö, Snellmaninkatu 1, Helsinki",
                capacity=12,
                waitlist_enabled=True,
                network=self.forum,
                registration_opens_at=at(
                    self.today - dt.timedelta(days=3), 9, 0, HELSINKI
                ),
                registration_closes_at=at(day - dt.timedelta(days=1), 12, 0, HELSINKI),
            )
            if created:
                self.talks(
                    event,
                    [
                        (dt.time(8, 0), dt.time(8, 15), "Kaffe och välkommen", ""),
                        (
                            dt.time(8, 15),
                            dt.time(9, 30),
                            "Samtal",
                            "Helena Laine",
                        ),
                    ],
                )
                self.register(event, self._top_managers()[:4])

    # Helpers --------------------------------------------------------------------

    def talks(self, event, rows):
        for starts, ends, title, speaker in rows:
            services.add_talk(
                event,
                actor=self.organiser,
                starts_at=starts,
                ends_at=ends,
                title=title,
                title_fi=TALKS_IN_FINNISH.get(title, ""),
                speaker=speaker,
            )
            self.count("talks")

    def register(self, event, people):
        for person in people:
            services.register(person, event)
            self.count("event registrations")

    def _top_managers(self):
        finnish = Organisation.objects.filter(country="FI").exclude(pk=self.ministry.pk)
        return list(
            Person.objects.filter(
                organisation__in=finnish, managerial_level="top"
            ).order_by("pk")
        )

    def _participants(self):
        return list(Person.objects.filter(email__in=PARTICIPANTS).order_by("pk"))

    def _next(self, month, day):
        earliest = self.today + dt.timedelta(days=21)
        year = earliest.year
        while dt.date(year, month, day) < earliest:
            year += 1
        return dt.date(year, month, day)
