"""The ready-made standard course evaluation an organiser can copy.

The questions are content, not interface text: they are written in Swedish, Finnish
and English (the languages organisers publish in), and the organiser edits them after
copying. Each text is {"sv": ..., "fi": ..., "en": ...}; `as_fields` turns a question
into Question's fields (text_sv, text_fi, ..., options with keys).
"""

from typing import Any

from .models import Question, normalise_options

Kind = Question.Kind

TITLE = "Kursutvärdering"
TITLES = {"sv": TITLE, "fi": "Kurssipalaute", "en": "Course evaluation"}
DESCRIPTIONS = {
    "sv": (
        "Tack för att du tar dig tid att svara. Dina svar hjälper oss att utveckla "
        "programmet. Svaren är anonyma och visas bara sammanställda, från fem svar."
    ),
    "fi": (
        "Kiitos, että käytät hetken vastaamiseen. Vastauksesi auttavat meitä "
        "kehittämään ohjelmaa. Vastaukset ovat nimettömiä, ja ne näytetään vain "
        "koottuina, kun vastauksia on vähintään viisi."
    ),
    "en": (
        "Thank you for taking the time to answer. Your answers help us develop the "
        "programme. They are anonymous and shown only together, from five answers."
    ),
}
DESCRIPTION = DESCRIPTIONS["sv"]

NOT_AT_ALL = {"sv": "Inte alls", "fi": "Ei lainkaan", "en": "Not at all"}
VERY_MUCH = {"sv": "I hög grad", "fi": "Erittäin paljon", "en": "Very much"}

PARTICIPATION_OPTIONS = [
    {"sv": "Digitalt", "fi": "Etänä", "en": "Online"},
    {"sv": "På plats", "fi": "Paikan päällä", "en": "On site"},
    {"sv": "Båda går bra", "fi": "Kumpi tahansa käy", "en": "Either suits me"},
]
PARTICIPATION_CHOICES = [option["sv"] for option in PARTICIPATION_OPTIONS]

QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": Kind.LIKERT,
        "text": {
            "sv": "Hur nöjd är du med tillfället som helhet?",
            "fi": "Kuinka tyytyväinen olet tapaamiseen kokonaisuutena?",
            "en": "How satisfied are you with the session as a whole?",
        },
        "required": True,
        "low_label": {
            "sv": "Mycket missnöjd",
            "fi": "Erittäin tyytymätön",
            "en": "Very dissatisfied",
        },
        "high_label": {
            "sv": "Mycket nöjd",
            "fi": "Erittäin tyytyväinen",
            "en": "Very satisfied",
        },
    },
    {
        "kind": Kind.LIKERT,
        "text": {
            "sv": "Hur väl kan du använda innehållet i ditt arbete som chef?",
            "fi": "Kuinka hyvin voit hyödyntää sisältöä työssäsi esihenkilönä?",
            "en": "How well can you use the content in your work as a manager?",
        },
        "required": True,
        "low_label": NOT_AT_ALL,
        "high_label": VERY_MUCH,
    },
    {
        "kind": Kind.LIKERT,
        "text": {
            "sv": "Hur väl hjälpte förberedelseuppgiften dig inför tillfället?",
            "fi": "Kuinka hyvin ennakkotehtävä auttoi sinua valmistautumaan?",
            "en": "How well did the preparation task help you get ready?",
        },
        "low_label": NOT_AT_ALL,
        "high_label": VERY_MUCH,
    },
    {
        "kind": Kind.SINGLE,
        "text": {
            "sv": "Hur föredrar du att delta?",
            "fi": "Miten osallistut mieluiten?",
            "en": "How do you prefer to take part?",
        },
        "required": True,
        "choices": PARTICIPATION_OPTIONS,
    },
    {
        "kind": Kind.MULTIPLE,
        "text": {
            "sv": "Vad gav dig mest?",
            "fi": "Mistä sait eniten irti?",
            "en": "What gave you the most?",
        },
        "help_text": {
            "sv": "Välj allt som stämmer.",
            "fi": "Valitse kaikki sopivat.",
            "en": "Choose all that apply.",
        },
        "choices": [
            {"sv": "Föreläsningarna", "fi": "Luennot", "en": "The lectures"},
            {
                "sv": "Diskussionerna i grupp",
                "fi": "Ryhmäkeskustelut",
                "en": "The group discussions",
            },
            {
                "sv": "Erfarenhetsutbytet med andra chefer",
                "fi": "Kokemusten vaihto muiden esihenkilöiden kanssa",
                "en": "Sharing experience with other managers",
            },
            {"sv": "Uppgifterna", "fi": "Tehtävät", "en": "The assignments"},
            {"sv": "Litteraturen", "fi": "Kirjallisuus", "en": "The reading"},
        ],
    },
    {
        "kind": Kind.NPS,
        "text": {
            "sv": "Hur troligt är det att du rekommenderar programmet till en kollega?",
            "fi": "Kuinka todennäköisesti suosittelisit ohjelmaa kollegallesi?",
            "en": "How likely are you to recommend the programme to a colleague?",
        },
        "required": True,
        "low_label": {
            "sv": "Inte alls troligt",
            "fi": "Erittäin epätodennäköisesti",
            "en": "Not at all likely",
        },
        "high_label": {
            "sv": "Mycket troligt",
            "fi": "Erittäin todennäköisesti",
            "en": "Very likely",
        },
    },
    {
        "kind": Kind.TEXT,
        "text": {
            "sv": "Vad kan vi göra bättre?",
            "fi": "Mitä voisimme tehdä paremmin?",
            "en": "What could we do better?",
        },
        "help_text": {
            "sv": "Skriv inte namn på andra deltagare.",
            "fi": "Älä kirjoita muiden osallistujien nimiä.",
            "en": "Do not name other participants.",
        },
    },
]


def per_language(name, texts):
    """{"sv": "Ja", "fi": "Kyllä"} -> {"name_sv": "Ja", "name_fi": "Kyllä"}."""
    return {f"{name}_{language}": text for language, text in texts.items()}


def as_fields(question):
    """One of QUESTIONS as Question's fields."""
    fields = {"kind": question["kind"], "required": question.get("required", False)}
    for name in ("text", "help_text", "low_label", "high_label"):
        fields.update(per_language(name, question.get(name, {})))
    fields["choices"] = normalise_options(question.get("choices", []), language="sv")
    return fields
