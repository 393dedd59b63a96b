from tillit.core.forms import TargetGroupForm
from tillit.core.models import ManagerialLevel, Sector


def test_a_target_group_is_the_lists_ticked():
    form = TargetGroupForm(
        {"sectors": [Sector.STATE], "managerial_levels": [ManagerialLevel.FIRST_LINE]}
    )

    assert form.is_valid()
    assert form.has_target_group()
    assert form.target_group() == {
        "sectors": [Sector.STATE],
        "role_categories": [],
        "managerial_levels": [ManagerialLevel.FIRST_LINE],
    }


def test_a_target_group_with_nothing_ticked_is_none():
    form = TargetGroupForm({})

    assert form.is_valid()
    assert not form.has_target_group()
