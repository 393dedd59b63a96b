"""The certificate as a PDF, drawn with fpdf2 from what the certificate row
copied when it was issued. The fonts are shipped in fonts/ (see its README)."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"
ACCENT = (21, 87, 112)
INK = (31, 41, 51)
MUTED = (90, 98, 110)


def verification_url(certificate):
    path = reverse("learning:certificate-verify", kwargs={"code": certificate.code})
    return settings.SITE_URL.rstrip("/") + path


def _date(day):
    return formats.date_format(day, "DATE_FORMAT")


def _hours(value):
    if value == int(value):
        return str(int(value))
    return formats.number_format(value, decimal_pos=1)


def certificate_pdf(certificate, language=None):
    """The PDF bytes, in the given language (default: the holder's)."""
    language = language or certificate.person.preferred_language or "sv"
    with translation.override(language):
        return bytes(_draw(certificate).output())


def set_up(pdf, *, title, author):
    """The set-up every Tillit PDF shares: metadata and the shipped fonts
    (as "DejaVu", regular and bold), which have Swedish and Finnish letters."""
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("Tillit")
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    return pdf


def _draw(c):
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    set_up(
        pdf,
        title=_("Certificate") + f" – {c.programme_title}",
        author=c.organiser_name,
    )
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 190, 277)

    pdf.set_y(32)
    pdf.set_text_color(*ACCENT)
    pdf.set_font("DejaVu", "B", 30)
    pdf.cell(0, 14, _("Certificate"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*MUTED)
    pdf.set_font("DejaVu", "", 12)
    pdf.cell(0, 8, _("This certifies that"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 24)
    pdf.multi_cell(0, 12, c.participant_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 12)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 8, _("has completed"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 9, c.programme_title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    pdf.multi_cell(
        0,
        7,
        c.cohort_name,
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(8)

    pdf.set_x(30)
    facts = [
        (_("Organiser"), c.organiser_name),
        (_("Dates"), f"{_date(c.starts_on)} – {_date(c.ends_on)}"),
        (_("Teaching hours"), _hours(c.hours)),
    ]
    for label, value in facts:
        pdf.set_x(30)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(55, 7, label)
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(95, 7, value, align="L", new_x="LMARGIN", new_y="NEXT")
    if c.content:
        pdf.ln(3)
        pdf.set_x(30)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 7, _("Content"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)
        for line in c.content.splitlines():
            pdf.set_x(30)
            pdf.multi_cell(
                150, 5.5, f"• {line}", align="L", new_x="LMARGIN", new_y="NEXT"
            )

    if pdf.get_y() > pdf.h - 66:
        pdf.add_page()
    pdf.set_y(-62)
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.3)
    pdf.line(30, pdf.get_y(), 180, pdf.get_y())
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(*MUTED)
    issued = _date(c.issued_at.date()) if c.issued_at else ""
    pdf.set_x(30)
    pdf.multi_cell(
        150,
        5.5,
        _("Issued %(date)s by %(organiser)s.")
        % {"date": issued, "organiser": c.organiser_name},
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_x(30)
    pdf.multi_cell(
        150,
        5.5,
        _("Check that this certificate is genuine at %(url)s")
        % {"url": verification_url(c)},
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_x(30)
    pdf.set_font("DejaVu", "B", 12)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, _("Verification code: %(code)s") % {"code": c.code})
    return pdf
