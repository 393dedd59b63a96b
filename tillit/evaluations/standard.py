"""The ready-made standard course evaluation an organiser can copy.

The questions are content, not interface text: they are written in Swedish, the
language the programmes run in, and the organiser edits them after copying.
"""

from typing import Any

from .models import Question

Kind = Question.Kind

TITLE = "Kursutvärdering"
DESCRIPTION = (
    "Tack för att du tar dig tid att svara. Dina svar hjälper oss att utveckla "
    "programmet. Svaren är anonyma och visas bara sammanställda, från fem svar."
)
PARTICIPATION_CHOICES = ["Digitalt", "På plats", "Båda går bra"]

QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": Kind.LIKERT,
        "text": "Hur nöjd är du med tillfället som helhet?",
        "required": True,
        "low_label": "Mycket missnöjd",
        "high_label": "Mycket nöjd",
    },
    {
        "kind": Kind.LIKERT,
        "text": "Hur väl kan du använda innehållet i ditt arbete som chef?",
        "required": True,
        "low_label": "Inte alls",
        "high_label": "I hög grad",
    },
    {
        "kind": Kind.LIKERT,
        "text": "Hur väl hjälpte förberedelseuppgiften dig inför tillfället?",
        "low_label": "Inte alls",
        "high_label": "I hög grad",
    },
    {
        "kind": Kind.SINGLE,
        "text": "Hur föredrar du att delta?",
        "required": True,
        "choices": PARTICIPATION_CHOICES,
    },
    {
        "kind": Kind.MULTIPLE,
        "text": "Vad gav dig mest?",
        "help_text": "Välj allt som stämmer.",
        "choices": [
            "Föreläsningarna",
            "Diskussionerna i grupp",
            "Erfarenhetsutbytet med andra chefer",
            "Uppgifterna",
            "Litteraturen",
        ],
    },
    {
        "kind": Kind.NPS,
        "text": "Hur troligt är det att du rekommenderar programmet till en kollega?",
        "required": True,
        "low_label": "Inte alls troligt",
        "high_label": "Mycket troligt",
    },
    {
        "kind": Kind.TEXT,
        "text": "Vad kan vi göra bättre?",
        "help_text": "Skriv inte namn på andra deltagare.",
    },
]
