"""Content written per language: who reads which language, on pages, in the API,
in mail and calendar files, and how the organiser's forms save the versions."""

import pytest
from django.urls import reverse
from django.utils import translation

from tillit.core.content_languages import as_read
from tillit.core.models import Organisation
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.events.forms import TalkForm
from tillit.events.tests.factories import make_event
from tillit.networks.tests.factories import NetworkFactory
from tillit.programmes import calendar
from tillit.programmes.models import Programme
from tillit.programmes.tests.factories import (
    CohortFactory,
    ProgrammeFactory,
    SessionFactory,
)
from tillit.registrations import services as registration_services

pytestmark = pytest.mark.django_db

FI_TITLE = "Julkisen johtamisen ohjelma"
SV_TITLE = "Programmet för offentligt ledarskap"


def bilingual_programme(**fields):
    return ProgrammeFactory(title_sv=SV_TITLE, title_fi=FI_TITLE, title_en="", **fields)


def reader(client, language):
    client.cookies["django_language"] = language
    return client


def test_a_visitor_reads_their_language_then_the_other_national_one_then_english():
    both = bilingual_programme()
    swedish_only = ProgrammeFactory(title_sv="Bara svenska", title_fi="", title_en="")
    english_only = ProgrammeFactory(title_sv="", title_fi="", title_en="Only English")

    with translation.override("fi"):
        assert both.title == FI_TITLE
        assert swedish_only.title == "Bara svenska"
        assert english_only.title == "Only English"
    with translation.override("sv"):
        assert both.title == SV_TITLE
    with translation.override("en"):
        # No English: the default national language, then Finnish.
        assert both.title == SV_TITLE
        finnish_only = ProgrammeFactory(title_sv="", title_fi="Vain suomi", title_en="")
        assert finnish_only.title == "Vain suomi"


@pytest.mark.parametrize("language, title", [("fi", FI_TITLE), ("sv", SV_TITLE)])
def test_the_public_pages_show_the_visitors_language(client, language, title):
    programme = bilingual_programme(
        organiser=OrganisationFactory(name="Finansministeriet", country="FI")
    )
    cohort = CohortFactory(
        programme=programme, name_sv="Våren", name_fi="Kevät", name_en=""
    )
    event = make_event(title="Dagen", title_fi="Päivä", title_sv="Dagen")
    network = NetworkFactory(name_sv="Forumet", name_fi="Foorumi", name_en="")
    client = reader(client, language)

    catalogue = client.get(reverse("registrations:catalogue")).text
    assert title in catalogue
    assert title in client.get(programme.get_absolute_url()).text
    cohort_page = client.get(reverse("registrations:cohort-detail", args=[cohort.pk]))
    assert {"fi": "Kevät", "sv": "Våren"}[language] in cohort_page.text
    assert {"fi": "Päivä", "sv": "Dagen"}[language] in client.get(
        event.get_absolute_url()
    ).text
    assert {"fi": "Foorumi", "sv": "Forumet"}[language] in client.get(
        network.get_absolute_url()
    ).text


def test_the_api_answers_in_the_language_asked_for(client):
    bilingual_programme()
    url = reverse("api:programme-list")

    finnish = client.get(url, {"lang": "fi"}).json()
    swedish = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").json()

    rows = lambda body: body["results"] if isinstance(body, dict) else body  # noqa: E731
    assert FI_TITLE in [row["title"] for row in rows(finnish)]
    assert SV_TITLE in [row["title"] for row in rows(swedish)]
    assert SV_TITLE not in [row["title"] for row in rows(finnish)]


def test_mail_and_calendar_file_come_in_the_recipients_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(programme=bilingual_programme())
    session = SessionFactory(
        cohort=cohort, title_sv="Första träffen", title_fi="Tapaaminen 1"
    )
    finn = PersonFactory(preferred_language="fi")

    with django_capture_on_commit_callbacks(execute=True):
        registration_services.register(finn, cohort)

    assert mailoutbox
    mail = mailoutbox[-1]
    assert FI_TITLE in mail.subject + mail.body
    assert SV_TITLE not in mail.subject + mail.body
    ics = calendar.person_calendar(finn, [session]).decode()
    assert "Tapaaminen 1" in ics and FI_TITLE in ics
    assert "Första träffen" not in ics


def test_the_language_fieldsets_save_each_language_and_keep_the_untouched_ones():
    event = make_event()
    talk = event.talks.create(
        starts_at="09:00", title_sv="Öppning", title_fi="Avaus", title_en="Opening"
    )

    form = TalkForm(
        {
            "starts_at": "09:00",
            "title_sv": "Öppning",
            "title_fi": "Avajaiset",
            "title_en": "Opening",
            "description_sv": "",
            "description_fi": "",
            "description_en": "",
        },
        instance=talk,
    )
    assert form.is_valid(), form.errors
    assert form.language_data()["title_fi"] == "Avajaiset"

    plain = TalkForm({"starts_at": "09:00", "title": "Welcome"}, instance=talk)
    assert plain.is_valid(), plain.errors
    # A post of the plain name writes the page's language only.
    assert plain.language_data() == {"title_en": "Welcome"}

    empty = TalkForm({"starts_at": "09:00", "title_sv": "", "title_fi": ""})
    assert not empty.is_valid()
    assert "Write this in at least one language." in str(empty.errors)


def test_language_fieldsets_have_a_legend_per_language(client):
    organisation = OrganisationFactory(country="FI")
    from tillit.core.tests.factories import OrganiserFactory

    organiser = OrganiserFactory(organiser_of=organisation)
    client.force_login(organiser)
    page = client.get(reverse("events:organiser-event-create")).text
    assert page.count('class="field language-version"') == 3
    assert "<legend>In Finnish</legend>" in page
    assert page.index("In Finnish") < page.index("In Swedish")  # the organiser's first
    assert 'name="title_fi"' in page and 'lang="fi"' in page


def test_the_data_migration_keeps_existing_text_in_the_organisers_language():
    from django.apps import apps

    from tillit.core.content_languages import copy_into_language

    finnish = ProgrammeFactory(
        organiser=OrganisationFactory(country="FI"), title_sv="", title_fi=""
    )
    swedish = ProgrammeFactory(title_sv="", title_fi="")
    Programme.objects.filter(pk=finnish.pk).update(title="Vanha otsikko")
    Programme.objects.filter(pk=swedish.pk).update(title="Gammal titel")

    copy_into_language(
        apps.get_model("programmes", "Programme"), ("title",), "organiser__country"
    )

    finnish.refresh_from_db()
    swedish.refresh_from_db()
    assert finnish.title_fi == "Vanha otsikko" and not finnish.title_sv
    assert swedish.title_sv == "Gammal titel" and not swedish.title_fi


def test_a_bilingual_organisation_is_named_in_the_readers_language(client):
    ministry = OrganisationFactory(
        name_sv="Finansministeriet", name_fi="Valtiovarainministeriö", country="FI"
    )
    swedish_only = OrganisationFactory(name_sv="Statskontoret", name_fi="")
    ProgrammeFactory(organiser=ministry, title_sv=SV_TITLE, title_fi=FI_TITLE)

    with translation.override("fi"):
        assert ministry.name == "Valtiovarainministeriö"
        assert swedish_only.name == "Statskontoret"
    with translation.override("sv"):
        assert ministry.name == "Finansministeriet"
    catalogue = reader(client, "fi").get(reverse("registrations:catalogue")).text
    assert "Valtiovarainministeriö" in catalogue
    assert "Finansministeriet" not in catalogue


def test_lists_of_organisations_follow_the_names_the_reader_sees():
    # Finnish names only for some: in Finnish the others are read (and sorted)
    # by their Swedish names, not left in no order at the end.
    OrganisationFactory(name_sv="Skatteförvaltningen", name_fi="Verohallinto")
    OrganisationFactory(name_sv="Arbetsförmedlingen", name_fi="")
    OrganisationFactory(name_sv="Finansministeriet", name_fi="Valtiovarainministeriö")
    OrganisationFactory(name_sv="Kammarkollegiet", name_fi="")

    with translation.override("fi"):
        shown = [o.name for o in Organisation.objects.order_by(as_read("name"))]
    with translation.override("sv"):
        swedish = [o.name for o in Organisation.objects.order_by(as_read("name"))]

    assert shown == [
        "Arbetsförmedlingen",
        "Kammarkollegiet",
        "Valtiovarainministeriö",
        "Verohallinto",
    ]
    assert swedish == sorted(swedish)


@pytest.mark.parametrize("language", ["sv", "fi", "en"])
def test_the_catalogue_search_finds_a_programme_by_its_text_in_any_language(
    client, language
):
    bilingual_programme(
        organiser=OrganisationFactory(
            name_sv="Finansministeriet", name_fi="Valtiovarainministeriö"
        )
    )
    client = reader(client, language)
    url = reverse("registrations:catalogue")

    for query in ("offentligt ledarskap", "julkisen johtamisen", "valtiovarain"):
        page = client.get(url, {"q": query}).text
        assert (FI_TITLE if language == "fi" else SV_TITLE) in page, query
