"""Templates compare a model's choices with its constants (`obj.Status.CONFIRMED`
or a constant the view passes), never with a string literal that a renamed
choice would silently stop matching."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

COMPARISON = re.compile(r"\.(\w+)\s*(?:==|!=)\s*['\"](\w+)['\"]")


def choice_values_by_field():
    """Field name -> the choice values any model gives a field of that name."""
    values = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "choices", None):
                values.setdefault(field.name, set()).update(
                    str(value) for value, _label in field.flatchoices
                )
    return values


def test_no_template_compares_a_model_choice_with_a_string_literal():
    choices = choice_values_by_field()
    found = []
    for template in sorted(Path(settings.BASE_DIR, "tillit").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for match in COMPARISON.finditer(text):
            name, literal = match.groups()
            if literal in choices.get(name, ()):
                found.append(f"{template.relative_to(settings.BASE_DIR)}: {match[0]}")

    assert found == []


def test_the_check_finds_a_literal_comparison():
    choices = choice_values_by_field()

    name, literal = COMPARISON.search('{% if a.status == "confirmed" %}').groups()

    assert literal in choices[name]
