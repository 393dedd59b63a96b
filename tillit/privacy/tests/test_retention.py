import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from tillit.core.models import SecurityEvent
from tillit.core.tests.factories import OrganisationFactory, PersonFactory
from tillit.evaluations.models import Answer, Receipt
from tillit.notifications.models import Notification
from tillit.notifications.tests.factories import NotificationFactory
from tillit.privacy import services
from tillit.privacy.models import RetentionRule, RetentionRun
from tillit.privacy.tests.factories import free_text_answer
from tillit.programmes.tests.factories import CohortFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return OrganisationFactory()


def _answers(organiser):
    cohort = CohortFactory(programme=ProgrammeFactory(organiser=organiser))
    old = free_text_answer(PersonFactory(), cohort, text="Gammalt", closed_days_ago=400)
    new = free_text_answer(PersonFactory(), cohort, text="Nytt", closed_days_ago=10)
    return old, new


def test_the_dry_run_changes_nothing(organiser):
    old, _new = _answers(organiser)
    RetentionRule.objects.create(
        organisation=organiser, kind="evaluation_free_text", keep_days=365
    )

    due = services.apply_retention(now=timezone.now(), dry_run=True)

    assert [item.count for item in due] == [1]
    old.refresh_from_db()
    assert old.text == "Gammalt"
    assert not RetentionRun.objects.exists()


def test_the_real_run_removes_only_what_is_due(organiser):
    old, new = _answers(organiser)
    other_old, _ = _answers(OrganisationFactory())
    RetentionRule.objects.create(
        organisation=organiser, kind="evaluation_free_text", keep_days=365
    )
    RetentionRule.objects.create(
        organisation=organiser, kind="evaluation_receipts", keep_days=365
    )

    services.apply_retention(now=timezone.now())

    assert Answer.objects.get(pk=old.pk).text == ""
    assert Answer.objects.get(pk=new.pk).text == "Nytt"
    assert Answer.objects.get(pk=other_old.pk).text == "Gammalt"
    assert (
        Receipt.objects.filter(
            evaluation__cohort__programme__organiser=organiser
        ).count()
        == 1
    )
    assert SecurityEvent.objects.filter(kind="retention_applied").count() == 1


def test_sent_mails_lose_their_text_after_the_set_time(organiser):
    person = PersonFactory(organisation=organiser)
    sent = timezone.now() - dt.timedelta(days=100)
    old = NotificationFactory(
        person=person, status="sent", sent_at=sent, body="Hej", html="<p>Hej</p>"
    )
    queued = NotificationFactory(person=person, body="Kommer")
    RetentionRule.objects.create(
        organisation=organiser, kind="sent_mail_bodies", keep_days=30
    )

    services.apply_retention(now=timezone.now())

    old.refresh_from_db()
    assert (old.body, old.html, old.subject) == ("", "", old.subject)
    assert Notification.objects.get(pk=queued.pk).body == "Kommer"


def test_the_worker_applies_the_rules_once_a_day(organiser):
    now = timezone.now()

    first = services.apply_retention_daily(now=now)
    again = services.apply_retention_daily(now=now + dt.timedelta(hours=2))
    next_day = services.apply_retention_daily(now=now + dt.timedelta(days=1, hours=1))

    assert first is not None and again is None and next_day is not None


def test_the_job_is_a_periodic_job():
    from tillit.core import periodic

    assert periodic.jobs()["tillit.privacy.services.apply_retention_daily"] == "default"


def test_the_command_prints_what_would_go(organiser, capsys):
    old, _ = _answers(organiser)
    RetentionRule.objects.create(
        organisation=organiser, kind="evaluation_free_text", keep_days=365
    )

    call_command("apply_retention", "--dry-run")

    assert "1 would go" in capsys.readouterr().out
    old.refresh_from_db()
    assert old.text == "Gammalt"


def test_uploaded_hr_files_go_after_the_set_time(organiser):
    from tillit.rollouts.models import ImportBatch

    old = ImportBatch.objects.create(organisation=organiser, filename="gammal.csv")
    new = ImportBatch.objects.create(organisation=organiser, filename="ny.csv")
    ImportBatch.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=200)
    )
    RetentionRule.objects.create(
        organisation=organiser, kind="hr_import_files", keep_days=90
    )

    services.apply_retention(now=timezone.now())

    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [new.pk]
