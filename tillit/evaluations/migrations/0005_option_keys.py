"""A choice question's options get a key and a text per language; answers store the key.

Before: Question.choices = ["Digitalt", "På plats"], Answer.choice = "På plats".
After: Question.choices = [{"key": "o1", "sv": "Digitalt", "fi": "", "en": ""}, ...],
Answer.choice = "o2". The text goes into the column of the organiser's language (sv,
or fi for a Finnish organisation), as 0004 did for the other texts. Backwards, the
answers get the option's text again.
"""

from django.db import migrations

LANGUAGES = ("sv", "fi", "en")


def _language(country):
    return "fi" if country == "FI" else "sv"


def forwards(apps, schema_editor):
    Question = apps.get_model("evaluations", "Question")
    Answer = apps.get_model("evaluations", "Answer")
    questions = Question.objects.filter(kind__in=("single", "multiple"))
    for question in questions.select_related("form__organisation").iterator():
        if not question.choices or isinstance(question.choices[0], dict):
            continue
        language = _language(question.form.organisation.country)
        options, keys = [], {}
        for number, text in enumerate(question.choices, start=1):
            key = f"o{number}"
            option = {"key": key, **dict.fromkeys(LANGUAGES, "")}
            option[language] = str(text)
            options.append(option)
            keys[str(text)] = key
        question.choices = options
        question.save(update_fields=["choices"])
        for text, key in keys.items():
            Answer.objects.filter(question=question, choice=text).update(choice=key)


def backwards(apps, schema_editor):
    Question = apps.get_model("evaluations", "Question")
    Answer = apps.get_model("evaluations", "Answer")
    questions = Question.objects.filter(kind__in=("single", "multiple"))
    for question in questions.select_related("form__organisation").iterator():
        if not question.choices or not isinstance(question.choices[0], dict):
            continue
        first = _language(question.form.organisation.country)
        order = (first, *(code for code in LANGUAGES if code != first))
        texts = []
        for option in question.choices:
            text = next((option[c] for c in order if option.get(c)), option["key"])
            texts.append(text)
            Answer.objects.filter(question=question, choice=option["key"]).update(
                choice=text
            )
        question.choices = texts
        question.save(update_fields=["choices"])


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0004_content_languages_data")]

    operations = [migrations.RunPython(forwards, backwards)]
