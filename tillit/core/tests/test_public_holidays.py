import datetime as dt

from django.utils import translation

from tillit.core.public_holidays import holiday_on


def test_a_swedish_holiday_is_named_in_swedish_on_a_swedish_page():
    with translation.override("sv"):
        assert holiday_on(dt.date(2027, 12, 26), "SE") == "Annandag jul"


def test_a_finnish_holiday_is_named_in_finnish_on_a_finnish_page():
    with translation.override("fi"):
        assert holiday_on(dt.date(2027, 3, 29), "FI") == "Toinen pääsiäispäivä"


def test_a_swedish_holiday_that_finland_keeps_too_takes_its_finnish_name():
    with translation.override("fi"):
        assert holiday_on(dt.date(2027, 12, 26), "SE") == "Tapaninpäivä"


def test_an_ordinary_sunday_in_sweden_is_no_holiday():
    assert holiday_on(dt.date(2027, 6, 13), "SE") is None


def test_a_working_day_is_no_holiday():
    assert holiday_on(dt.date(2027, 2, 2), "FI") is None
