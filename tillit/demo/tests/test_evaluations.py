import pytest
from django.utils import timezone

from tillit.core.models import Person
from tillit.demo.core import load_demo as load_core_demo
from tillit.demo.evaluations import PARTICIPANT, TEACHER, load_demo
from tillit.demo.learning import load_demo as load_learning_demo
from tillit.evaluations import results, selectors
from tillit.evaluations.models import Evaluation, Response
from tillit.programmes.models import Programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("app_settings")]


def test_demo_has_results_to_compare_and_an_open_evaluation_and_loads_once():
    today = timezone.localdate()
    load_core_demo(today)

    created = load_demo(today)
    again = load_demo(today)

    assert created["responses"] >= 100
    assert again == {}
    programme = Programme.objects.get(slug="esv-strategisk-verksamhetsstyrning")
    evaluations = list(Evaluation.objects.filter(cohort__programme=programme))
    form = evaluations[0].form
    cohorts = sorted({e.cohort for e in evaluations}, key=lambda c: c.starts_on)
    columns, _comparisons = results.compare_cohorts(form, evaluations, cohorts)
    assert sum(column.shown for column in columns) >= 3
    participant = Person.objects.get(email=PARTICIPANT)
    assert selectors.open_evaluations_for(participant).exists()
    teacher = Person.objects.get(email=TEACHER)
    assert selectors.programmes_for_results(teacher).filter(pk=programme.pk).exists()
    assert not Response.objects.filter(person__isnull=False).exists()


def test_with_the_learning_demo_the_participant_has_one_running_round():
    today = timezone.localdate()
    load_core_demo(today)
    load_learning_demo(today)

    load_demo(today)

    participant = Person.objects.get(email=PARTICIPANT)
    running = Programme.objects.get(
        slug="esv-strategisk-verksamhetsstyrning"
    ).cohorts.filter(
        starts_on__lte=today,
        ends_on__gte=today,
        registrations__person=participant,
    )
    assert running.count() == 1
    (open_evaluation,) = selectors.open_evaluations_for(participant)
    assert open_evaluation.cohort == running.get()
    assert open_evaluation.responses.count() == 3
