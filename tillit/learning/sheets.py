"""Printable lists of a cohort for the organiser, as A4 PDFs drawn with fpdf2
(the certificate's set-up and fonts, pdf.set_up): the participant list and
the attendance sheet to sign at each session. Both are drawn in the language
asked for (the viewer's), repeat the cohort's name and the table's headings on
every page, and number the pages."""

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from tillit.core import timezones
from tillit.registrations import selectors as registration_selectors

from .pdf import ACCENT, INK, MUTED, set_up

#: Session columns on one attendance page; more sessions continue on the next.
SESSIONS_PER_PAGE = 6
HEADINGS = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT)


class Sheet(FPDF):
    """An A4 page with the cohort's name on top and "Page n of m" below."""

    def __init__(self, *, cohort, heading, orientation):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.heading = heading
        self.subheading = f"{cohort.programme.title} – {cohort.name}"
        set_up(
            self,
            title=f"{heading} – {self.subheading}",
            author=cohort.programme.organiser.name,
        )
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(auto=True, margin=16)
        self.page_label = _("Page %(page)s of %(pages)s")

    def header(self):
        self.set_text_color(*ACCENT)
        self.set_font("DejaVu", "B", 14)
        self.cell(0, 7, self.heading, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*MUTED)
        self.set_font("DejaVu", "", 9.5)
        self.multi_cell(0, 5, self.subheading, new_x="LMARGIN", new_y="NEXT")
        self.ln(3)
        self.set_text_color(*INK)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*MUTED)
        label = self.page_label % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, label, align="R")


def _role(person):
    return person.title or person.get_role_category_display()


def participant_list_pdf(cohort, *, language):
    """The cohort's confirmed participants by name: name, organisation, title
    or role and e-mail address. Returns the PDF's bytes."""
    people = list(registration_selectors.participants(cohort))
    with translation.override(language):
        pdf = Sheet(cohort=cohort, heading=_("Participant list"), orientation="P")
        pdf.add_page()
        pdf.set_font("DejaVu", "", 9)
        headings = (_("Name"), _("Organisation"), _("Title or role"), _("E-mail"))
        with pdf.table(
            col_widths=(45, 50, 45, 46),
            headings_style=HEADINGS,
            line_height=5.5,
            padding=1.2,
            text_align="LEFT",
        ) as table:
            table.row(headings)
            for person in people:
                organisation = person.organisation.name if person.organisation else ""
                table.row(
                    (person.get_full_name(), organisation, _role(person), person.email)
                )
        _count_line(pdf, len(people))
        return bytes(pdf.output())


def _count_line(pdf, count):
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(
        0,
        5,
        translation.ngettext("%(count)s participant", "%(count)s participants", count)
        % {"count": count},
    )


def _session_heading(session, zone):
    starts = timezone.localtime(session.starts_at, zone)
    ends = timezone.localtime(session.ends_at, zone)
    day = formats.date_format(starts.date(), "SHORT_DATE_FORMAT")
    time = f"{formats.time_format(starts, 'TIME_FORMAT')}–"
    time += formats.time_format(ends, "TIME_FORMAT")
    return f"{session.title}\n{day}\n{time}"


def attendance_sheet_pdf(cohort, *, language):
    """One row per confirmed participant and one signature box per session
    (dated in the organiser's time zone), SESSIONS_PER_PAGE sessions across a
    landscape page; more sessions continue on further pages. Returns the PDF's
    bytes."""
    people = list(registration_selectors.participants(cohort))
    sessions = list(
        cohort.sessions.filter(cancelled_at__isnull=True).order_by("starts_at", "pk")
    )
    zone = timezones.zone_of(cohort.programme.organiser)
    chunks = [
        sessions[start : start + SESSIONS_PER_PAGE]
        for start in range(0, len(sessions), SESSIONS_PER_PAGE)
    ] or [[]]
    with translation.override(language):
        pdf = Sheet(cohort=cohort, heading=_("Attendance sheet"), orientation="L")
        for chunk in chunks:
            pdf.add_page()
            pdf.set_font("DejaVu", "", 9)
            pdf.cell(
                0,
                5,
                _("Sign in the box of each session you attend."),
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.ln(1)
            _attendance_table(pdf, people, chunk, zone)
        _count_line(pdf, len(people))
        return bytes(pdf.output())


def _attendance_table(pdf, people, sessions, zone):
    names, organisations = 62, 52
    free = pdf.epw - names - organisations
    box = free / max(len(sessions), 1)
    headings = [_("Name"), _("Organisation")]
    headings += [_session_heading(session, zone) for session in sessions]
    pdf.set_font("DejaVu", "", 9)
    with pdf.table(
        col_widths=(names, organisations, *([box] * len(sessions))),
        width=names + organisations + box * len(sessions),
        headings_style=HEADINGS,
        line_height=5,
        padding=1.2,
        text_align="LEFT",
        align="LEFT",
    ) as table:
        table.row(headings)
        for person in people:
            organisation = person.organisation.name if person.organisation else ""
            row = table.row()
            row.cell(person.get_full_name())
            row.cell(organisation)
            for _session in sessions:
                row.cell("", padding=(5.5, 1.2))
