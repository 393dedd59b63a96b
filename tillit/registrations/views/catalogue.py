"""Pages for visitors and participants that show seats: the catalogue, the
programme and cohort pages (free seats and the sign-up), and "My programmes".
Their templates are the programmes app's (programmes/catalogue.html and so on);
the seats, and so the views, are this app's."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from tillit.core.content_languages import as_read
from tillit.core.headers import cacheable
from tillit.core.models import Organisation, RoleCategory, Sector
from tillit.programmes import selectors as programme_selectors
from tillit.programmes.models import Cohort, Programme, Session

from .. import selectors

#: Programmes on one page of the catalogue.
CATALOGUE_PAGE_SIZE = 12


class CatalogueFilterForm(forms.Form):
    """The catalogue's GET filters. Lives beside its only view: it parses a query
    string and writes nothing."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("All sectors")), *Sector.choices],
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All roles")), *RoleCategory.choices],
    )
    format = forms.MultipleChoiceField(
        label=_("Format"),
        required=False,
        choices=Programme.Format.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    organiser = forms.ModelChoiceField(
        label=_("Organiser"),
        required=False,
        queryset=Organisation.objects.filter(
            programmes__is_published=True,
            programmes__is_internal=False,
            programmes__kind=Programme.Kind.PROGRAMME,
        ).distinct(),
        empty_label=_("All organisers"),
    )
    starts_after = forms.DateField(
        label=_("Starts on or after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    starts_before = forms.DateField(
        label=_("Starts on or before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisers = self.fields["organiser"]
        organisers.queryset = organisers.queryset.order_by(as_read("name"), "pk")

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("starts_after"), cleaned.get("starts_before")
        if after and before and before < after:
            self.add_error(
                "starts_before", _("The end of the period must come after its start.")
            )
        return cleaned

    def filters(self):
        """Keyword arguments for programme_selectors.catalogue(); valid fields only."""
        self.is_valid()  # an invalid field is left out of cleaned_data
        data = self.cleaned_data
        return {
            "query": data.get("q", "").strip(),
            "formats": data.get("format") or (),
            "organiser": data.get("organiser"),
            "sector": data.get("sector", ""),
            "role": data.get("role", ""),
            "starts_after": data.get("starts_after"),
            "starts_before": data.get("starts_before"),
        }


def _with_session_count(cohorts):
    sessions = (
        Session.objects.filter(cohort=OuterRef("pk"))
        .order_by()  # no ordering in the GROUP BY (the translated manager keeps one)
        .values("cohort")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cohorts.annotate(n_sessions=Coalesce(Subquery(sessions), 0))


def _upcoming_cohorts(person):
    """Upcoming cohorts the visitor is offered: an organisation's internal
    cohorts (its rollout's) only to its own people."""
    organisation_id = getattr(person, "organisation_id", None)
    cohorts = Cohort.objects.upcoming().offered_to(
        [organisation_id] if organisation_id else []
    )
    return selectors.with_availability(cohorts)


def catalogue(request):
    form = CatalogueFilterForm(request.GET)
    programmes = programme_selectors.catalogue(**form.filters())
    page = Paginator(programmes, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    # A card shows the next cohort only: one a programme (a window over the
    # page's programmes), however many are planned.
    cohorts = Prefetch(
        "cohorts", _upcoming_cohorts(request.user)[:1], to_attr="upcoming_cohorts"
    )
    shown = list(page.object_list)
    prefetch_related_objects(shown, cohorts)
    now = timezone.now()
    cards = [_card(programme, now) for programme in shown]
    context = {"form": form, "cards": cards, "page": page}
    if request.htmx and not request.htmx.history_restore_request:
        context["announce"] = True
        response = render(request, "programmes/catalogue.html#results", context)
    else:
        response = render(request, "programmes/catalogue.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _card(programme, now):
    next_cohort = programme.upcoming_cohorts[0] if programme.upcoming_cohorts else None
    return {
        "programme": programme,
        "next_cohort": next_cohort,
        "opens_later": next_cohort and next_cohort.registration_has_not_opened(now),
        "availability": (
            selectors.availability_of(next_cohort) if next_cohort else None
        ),
    }


def programme_detail(request, slug):
    programme = get_object_or_404(
        Programme.objects.published(request.user)
        .programmes()
        .select_related("organiser")
        .prefetch_related("themes", "target_rules", "teachers", "contact_persons"),
        slug=slug,
    )
    cohorts = _with_session_count(
        _upcoming_cohorts(request.user).filter(programme=programme)
    ).select_related("programme__organiser")
    rows = [
        {
            "cohort": cohort,
            "availability": selectors.availability_of(cohort),
        }
        for cohort in cohorts
    ]
    eligibility = (
        programme_selectors.eligibility(request.user, programme)
        if request.user.is_authenticated
        else None
    )
    context = {
        "programme": programme,
        "rules": [rule.describe() for rule in programme.target_rules.all()],
        "cohort_rows": rows,
        "eligibility": eligibility,
    }
    return render(request, "programmes/programme_detail.html", context)


def cohort_detail(request, pk):
    # Who may see it is checked on the row in hand (Programme.is_published_for,
    # kept equal to published() by programmes' tests): the page after every
    # registration through the form, so no subquery to compile (issue 18).
    cohort = get_object_or_404(
        Cohort.objects.select_related("programme__organiser"), pk=pk
    )
    if not cohort.programme.is_published_for(request.user):
        raise Http404
    if cohort.programme.kind == Programme.Kind.EVENT_SERIES:
        # A cohort that backs an event is shown, and registered for, on the
        # event's page; one without an event is no page of its own.
        if getattr(cohort, "event", None) is None:
            raise Http404
        return redirect(cohort.get_absolute_url(), permanent=True)
    signup = selectors.signup_context(request.user, cohort)
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "programmes/cohort_detail.html#signup", signup)
    else:
        sessions = cohort.sessions.prefetch_related("teachers")
        context = {**signup, "sessions": sessions}
        response = render(request, "programmes/cohort_detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def my_programmes(request):
    registrations = list(
        selectors.with_waitlist_position(
            selectors.registrations_for_person(request.user)
        )
    )
    now = timezone.now()
    today = timezone.localdate()
    rows = [
        {
            "registration": registration,
            "cohort": registration.cohort,
            "waitlist_position": registration.waitlist_position,
            "cancel_refusal": selectors.own_cancel_refusal(registration, today),
            "upcoming_sessions": [
                session
                for session in registration.cohort.sessions.all()
                if session.ends_at >= now
            ],
        }
        for registration in registrations
    ]
    context = {
        "current": sorted(
            (
                row
                for row in rows
                if row["registration"].is_active and row["cohort"].ends_on >= today
            ),
            key=lambda row: row["cohort"].starts_on,
        ),
        "past": [
            row
            for row in rows
            if not row["registration"].is_active or row["cohort"].ends_on < today
        ],
    }
    return render(request, "programmes/my_programmes.html", context)


#: Seconds a visitor's browser may keep a catalogue or programme page.
PUBLIC_MAX_AGE = 60
browser_cacheable = cacheable(PUBLIC_MAX_AGE, shared=False)

urlpatterns = [
    path("", browser_cacheable(catalogue), name="catalogue"),
    path(
        "programmes/<slug:slug>/",
        browser_cacheable(programme_detail),
        name="programme-detail",
    ),
    path("cohorts/<int:pk>/", cohort_detail, name="cohort-detail"),
    path("my-programmes/", my_programmes, name="my-programmes"),
]
