"""Demo data for data protection, loaded after tillit.demo.core.

- Linköping's HR director is the municipality's privacy contact (she sees its
  people's erasure requests at /privacy/erasures/).
- Retention rules: Ekonomistyrningsverket disposes of evaluations' free text
  after two years and receipts after one; Linköping of uploaded HR files after
  90 days and the text of sent mails after 180.

Idempotent: found by organisation and person or kind.
"""

from django.db import transaction

from tillit.core.models import Organisation, Person
from tillit.privacy.models import PrivacyContact, RetentionRule

RULES = {
    "Ekonomistyrningsverket": [
        ("evaluation_free_text", 730, "ESV 2026-00112"),
        ("evaluation_receipts", 365, "ESV 2026-00112"),
    ],
    "Linköpings kommun": [
        ("hr_import_files", 90, "KS 2026-0417"),
        ("sent_mail_bodies", 180, "KS 2026-0417"),
    ],
}


@transaction.atomic
def load_demo(today=None) -> dict[str, int]:
    counts = {"privacy contacts": 0, "retention rules": 0}
    for name, rules in RULES.items():
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            continue
        for kind, days, decision in rules:
            _rule, created = RetentionRule.objects.get_or_create(
                organisation=organisation,
                kind=kind,
                defaults={"keep_days": days, "decision": decision},
            )
            counts["retention rules"] += created
    hr = Person.objects.filter(email="hr.linkoping@example.org").first()
    if hr is not None and hr.organisation_id:
        _contact, created = PrivacyContact.objects.get_or_create(
            organisation_id=hr.organisation_id,
            person=hr,
            defaults={"public_email": "dataskydd.linkoping@example.org"},
        )
        counts["privacy contacts"] += created
    return counts
