"""Schemathesis against the OpenAPI schema: no request, with input the schema
allows or input it refuses (huge ids, wrong types, bad dates), gives a server
error, and every 400 carries a message (issue 16: 50 server errors in four
operations, e.g. GET /api/v1/programmes/?organiser=99999999999999999999).

Bounded for CI: a fixed number of examples per operation and mode, derandomized
(the same cases on every run), plus Schemathesis's deterministic coverage cases
(each parameter's boundaries and wrong types); each mode well under a minute.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tillit.accounts.services import create_api_key
from tillit.core.tests.factories import OrganiserFactory
from tillit.programmes.tests.factories import CohortFactory
from tillit.registrations.tests.factories import RegistrationFactory

# Bounded in time: a run takes 10-20 s on an idle 2-core machine; the bound
# leaves room for a loaded one (the test database's set-up counts too).
pytestmark = [pytest.mark.django_db, pytest.mark.timeout(180)]
EXAMPLES = 10
OPERATIONS = 20


@pytest.fixture
def api_schema(db):
    """The schema from the app itself, called in this process. As Django's test
    client does, requests must not close the database connection that holds
    the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db):
    """A person who organises, books as an employer and has registrations, so
    the generated requests reach past the permission checks."""
    cohort = CohortFactory()
    organisation = cohort.programme.organiser
    person = OrganiserFactory(organiser_of=organisation, organisation=organisation)
    organisation.employer_contacts.add(person)
    RegistrationFactory(cohort=cohort, person=person)
    _record, key = create_api_key(person, name="Schemathesis", days=1)
    return key


def _operations(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == OPERATIONS  # a new operation is tested too
    return operations


def _problem(case, token):
    """What is wrong with the answer to the case, or None."""
    response = case.call(headers={"Authorization": f"Token {token}"})
    if response.status_code >= 500:
        return f"{response.status_code}: {case.as_curl_command()}"
    if response.status_code == 400 and not response.json().get("message"):
        return f"400 without a message: {case.as_curl_command()}"
    return None


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_generated_requests_give_no_server_error(api_schema, token, mode):
    generation = schemathesis.GenerationMode(mode)
    problems = []
    for operation in _operations(api_schema):

        @given(operation.as_strategy(generation_mode=generation))
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            problems.append(_problem(case, token))

        run()

    assert [p for p in problems if p] == []


def test_coverage_cases_give_no_server_error(api_schema, token):
    modes = list(schemathesis.GenerationMode)
    problems = []
    for operation in _operations(api_schema):
        config = api_schema.config.generation_for(operation=operation)
        cases = api_schema.iter_coverage_cases(
            operation, generation_modes=modes, generation_config=config
        )
        problems.extend(_problem(case, token) for case in cases)

    assert len(problems) > 500
    assert [p for p in problems if p] == []
