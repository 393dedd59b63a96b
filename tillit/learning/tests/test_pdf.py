import datetime as dt
from decimal import Decimal

from django.utils import timezone
from fontTools.ttLib import TTFont

from tillit.core.tests.factories import PersonFactory
from tillit.learning import pdf
from tillit.learning.models import Certificate


def certificate(**fields):
    values = {
        "person": PersonFactory.build(preferred_language="sv"),
        "code": "ABCD-EFGH-JKMN",
        "participant_name": "Åsa Öberg-Ängström",
        "programme_title": "Chefsprogram för välfärdens digitalisering",
        "cohort_name": "Våren 2026",
        "organiser_name": "Adda Inköpscentral",
        "starts_on": dt.date(2026, 4, 3),
        "ends_on": dt.date(2026, 6, 12),
        "hours": Decimal("35.0"),
        "content": "Digitalisering, Digital mognad\n"
        + "\n".join(
            f"Träff {n}: Att leda den digitala omställningen" for n in range(1, 7)
        ),
        "issued_at": timezone.now(),
    }
    return Certificate(**(values | fields))


def test_the_certificate_is_a_one_page_pdf():
    drawn = pdf._draw(certificate())

    body = bytes(drawn.output())

    assert body.startswith(b"%PDF")
    assert len(drawn.pages) == 1


def test_the_shipped_fonts_have_swedish_and_finnish_letters():
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        cmap = TTFont(pdf.FONTS / name).getBestCmap()

        assert all(ord(c) in cmap for c in "åäöÅÄÖéüšžčŠŽ–•")


def test_the_verification_address_is_absolute(settings):
    settings.SITE_URL = "https://tillit.example.org/"

    url = pdf.verification_url(certificate())

    assert url == "https://tillit.example.org/certificates/verify/ABCD-EFGH-JKMN/"
