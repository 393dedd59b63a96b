"""Planning's progress messages count managers and cohorts each with its own
plural, in Swedish and Finnish too."""

import pytest
from django.utils import translation

from tillit.rollouts.services.planning import _managers_in_cohorts


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        ("en", "1 manager in 1 cohort", "700 managers in 27 cohorts"),
        ("sv", "1 chef i 1 omgång", "700 chefer i 27 omgångar"),
        ("fi", "1 esihenkilö, 1 toteutus", "700 esihenkilöä, 27 toteutusta"),
    ],
)
def test_a_planning_message_reads_one_as_one(language, one, many):
    with translation.override(language):
        single = translation.gettext("Placing %(managers)s in %(cohorts)s.") % (
            _managers_in_cohorts(1, 1)
        )
        plural = translation.gettext("Placing %(managers)s in %(cohorts)s.") % (
            _managers_in_cohorts(700, 27)
        )

    assert one in single
    assert many in plural
