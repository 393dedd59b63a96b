"""Programmes, their cohorts (omgångar) and sessions, and who they are for."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from tillit.core import timezones
from tillit.core.content_languages import CONTENT_LANGUAGES
from tillit.core.models import ManagerialLevel, Organisation, RoleCategory, Sector


class Theme(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


def _insider(person, organiser="organiser"):
    """Q for rows whose organiser is the person's own organisation or one they
    staff; None for anonymous visitors and superusers (see published())."""
    return Q(**{f"{organiser}_id": person.organisation_id}) | Q(
        **{f"{organiser}__in": Organisation.objects.filter(staff=person).values("pk")}
    )


class ProgrammeQuerySet(models.QuerySet):
    def published(self, person=None):
        """Published programmes. Internal ones only for `person` when they work
        for, or organise for, the organiser; without a person never."""
        programmes = self.filter(is_published=True)
        if person is not None and person.is_authenticated and person.is_superuser:
            return programmes
        if person is None or not person.is_authenticated:
            return programmes.filter(is_internal=False)
        return programmes.filter(Q(is_internal=False) | _insider(person))

    def programmes(self):
        """Real programmes, without the event series that back events."""
        return self.filter(kind=Programme.Kind.PROGRAMME)


class Programme(models.Model):
    class Kind(models.TextChoices):
        PROGRAMME = "programme", _("Programme")
        EVENT_SERIES = "event_series", _("Event series")

    class Format(models.TextChoices):
        DIGITAL = "digital", _("Digital")
        BLENDED = "blended", _("Blended learning")
        ON_SITE = "on_site", _("On site")

    class Approval(models.TextChoices):
        NONE = "none", _("No approval needed")
        MANAGER = "manager", _("By the participant's own manager")
        EMPLOYER = (
            "employer",
            _("By an employer contact of the participant's organisation"),
        )

    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("organiser"),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.PROGRAMME,
        help_text=_(
            "An event series holds one cohort per event (tillit.events), so events "
            "register through the same seat services; it is never listed as a "
            "programme."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.CharField(_("summary"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    target_group = models.TextField(
        _("target group"),
        blank=True,
        help_text=_("Who the programme is for, in plain words."),
    )
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.BLENDED
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="programmes", verbose_name=_("themes")
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="teaches",
        verbose_name=_("teachers"),
    )
    contact_persons = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="contact_for",
        verbose_name=_("contact persons"),
    )
    fee = models.DecimalField(
        _("fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=[("SEK", "SEK"), ("EUR", "EUR")],
        default="SEK",
    )
    approval = models.CharField(
        _("approval before a seat is confirmed"),
        max_length=20,
        choices=Approval.choices,
        default=Approval.NONE,
    )
    is_published = models.BooleanField(_("published"), default=True)
    is_internal = models.BooleanField(
        _("internal"),
        default=False,
        help_text=_(
            "Only for the organiser's own people: not in the public catalogue or "
            "the API, and nobody from another organisation can register or be "
            "booked. Rollout plans use internal programmes."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(fee__isnull=True) | Q(fee__gte=0),
                name="programme_fee_not_negative",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("registrations:programme-detail", kwargs={"slug": self.slug})

    def is_published_for(self, person=None):
        """ProgrammeQuerySet.published's rule for this programme, read from
        the row in hand (a query only for an internal programme of an
        organisation the person does not belong to: do they staff it?)."""
        if not self.is_published:
            return False
        if person is not None and person.is_authenticated and person.is_superuser:
            return True
        if not self.is_internal:
            return True
        if person is None or not person.is_authenticated:
            return False
        if person.organisation_id and self.organiser_id == person.organisation_id:
            return True
        return Organisation.staff.through.objects.filter(
            organisation_id=self.organiser_id, person_id=person.pk
        ).exists()


class TargetRule(models.Model):
    """One description of who may register. A person is in the target group when
    the programme has no rules or when they match any rule; within a rule every
    non-empty list must contain the person's value."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="target_rules"
    )
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    role_categories = models.JSONField(_("roles"), default=list, blank=True)
    managerial_levels = models.JSONField(
        _("managerial levels"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("target group rule")
        verbose_name_plural = _("target group rules")

    def __str__(self):
        return str(self.describe())

    def clean(self):
        allowed = {
            "sectors": Sector.values,
            "role_categories": RoleCategory.values,
            "managerial_levels": ManagerialLevel.values,
        }
        for field, values in allowed.items():
            unknown = set(getattr(self, field)) - set(values)
            if unknown:
                raise ValidationError(
                    {field: _("Unknown values: %s") % ", ".join(sorted(unknown))}
                )

    def describe(self):
        """The rule in plain words, e.g. "Municipal · Head of department"."""
        parts = [
            ", ".join(str(Sector(v).label) for v in self.sectors),
            ", ".join(str(RoleCategory(v).label) for v in self.role_categories),
            ", ".join(str(ManagerialLevel(v).label) for v in self.managerial_levels),
        ]
        return " · ".join(part for part in parts if part) or _("Everyone")


class CohortQuerySet(models.QuerySet):
    def published(self, person=None):
        """Cohorts of published programmes; of internal programmes only for
        the organiser's own people (ProgrammeQuerySet.published)."""
        return self.filter(programme__in=Programme.objects.published(person))

    def upcoming(self, today=None):
        return self.filter(ends_on__gte=today or timezone.localdate())

    def offered_to(self, organisation_ids=()):
        """Cohorts anyone may join, and the internal cohorts of the given
        organisations. An internal cohort belongs to an organisation's rollout
        (tillit.rollouts) and is offered only to that organisation's people."""
        return self.filter(
            Q(rollout_cohort__isnull=True)
            | Q(rollout_cohort__plan__organisation__in=list(organisation_ids))
        )

    def internal(self):
        return self.filter(rollout_cohort__isnull=False)


class Cohort(models.Model):
    """An omgång: one run of a programme, with its own seats and registration."""

    class WaitlistRule(models.TextChoices):
        PROMOTE = "promote", _("Give a freed seat to the first person waiting at once")
        OFFER = "offer", _("Offer a freed seat for a limited time, then pass it on")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    capacity = models.PositiveIntegerField(_("seats"))
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    waitlist_enabled = models.BooleanField(_("waitlist"), default=True)

    waitlist_rule = models.CharField(
        _("when a seat frees up"),
        max_length=20,
        choices=WaitlistRule.choices,
        default=WaitlistRule.PROMOTE,
    )
    offer_hours = models.PositiveIntegerField(
        _("hours to accept an offered seat"), default=48
    )
    approval_hold_hours = models.PositiveIntegerField(
        _("hours a seat is held while approval is pending"), default=72
    )
    naming_deadline = models.DateTimeField(
        _("reserved seats must be named by"),
        null=True,
        blank=True,
        help_text=_(
            "Employer contacts may reserve seats and name people until then; "
            "unnamed seats then go to the waitlist. Empty: no reservations."
        ),
    )
    max_seats_per_organisation = models.PositiveIntegerField(
        _("seat limit per organisation"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit."),
    )

    cancelled_at = models.DateTimeField(
        _("cancelled"), null=True, blank=True, editable=False
    )

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gt=0), name="cohort_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="cohort_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=F("registration_opens_at")),
                name="cohort_registration_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(offer_hours__gt=0) & Q(approval_hold_hours__gt=0),
                name="cohort_hold_times_positive",
            ),
        ]
        indexes = [
            # A programme's cohorts that have not ended, and the first start
            # among them, read from the index alone: the catalogue's next start
            # per programme and the cohorts on its cards.
            models.Index(
                fields=["programme", "ends_on", "starts_on"],
                name="cohort_programme_ends_starts",
            ),
        ]

    def __str__(self):
        return f"{self.programme.title}, {self.name}"

    def get_absolute_url(self):
        """The event's page for a cohort that backs an event (tillit.events),
        else the cohort's page."""
        if self.programme.kind == Programme.Kind.EVENT_SERIES:
            event = getattr(self, "event", None)
            if event is not None:
                return event.get_absolute_url()
        return reverse("registrations:cohort-detail", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The cohort cannot end before it starts.")
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = _(
                "Registration must close after it opens."
            )
        if errors:
            raise ValidationError(errors)

    def registration_is_open(self, now):
        if self.cancelled_at is not None:
            return False
        return self.registration_opens_at <= now < self.registration_closes_at

    @cached_property
    def internal_organisation_id(self):
        """The organisation whose rollout this cohort belongs to, or None when
        anyone in the target group may join."""
        return (
            Cohort.objects.filter(pk=self.pk)
            .values_list("rollout_cohort__plan__organisation", flat=True)
            .first()
        )

    def has_ended(self, today):
        return self.ends_on < today

    def has_started(self, today):
        return self.starts_on <= today

    def registration_has_not_opened(self, now):
        return now < self.registration_opens_at


class Session(models.Model):
    """A sammankomst: one meeting of a cohort."""

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        ON_SITE = "on_site", _("On site")

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    mode = models.CharField(
        _("mode"), max_length=20, choices=Mode.choices, default=Mode.ONLINE
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("link"), blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="sessions_taught",
        verbose_name=_("teachers"),
    )
    sequence = models.PositiveIntegerField(
        _("version of time and place"),
        default=0,
        editable=False,
        help_text=_(
            "Grows each time the session moves, so calendars update the event "
            "and participants are reminded again."
        ),
    )
    modified_at = models.DateTimeField(
        _("last changed"), default=timezone.now, editable=False
    )
    cancelled_at = models.DateTimeField(
        _("cancelled"), null=True, blank=True, editable=False
    )

    #: Fields whose change moves the session (iCalendar SEQUENCE grows).
    # The place in any content language moves the session too.
    MOVING_FIELDS = (
        "starts_at",
        "ends_at",
        "mode",
        "location",
        *(f"location_{code}" for code in CONTENT_LANGUAGES),
        "link",
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def time_zone(self):
        """The organiser's zone, in which the session's times are entered and shown."""
        return timezones.zone_of(self.cohort.programme.organiser)

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": _("The session must end after it starts.")}
            )
