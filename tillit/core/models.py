"""People and the public bodies they work for, and what every uploaded file
keeps (StoredFile)."""

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .content_languages import as_read
from .timezones import DEFAULT_ZONE, ZONE_CHOICES


class Sector(models.TextChoices):
    STATE = "state", _("State")
    MUNICIPAL = "municipal", _("Municipal")
    REGIONAL = "regional", _("Regional")
    OTHER_PUBLIC = "other_public", _("Other public")
    PRIVATE = "private", _("Private or non-profit")


class Organisation(models.Model):
    """A public body (agency, ministry, municipality, region, university) or an
    outside actor; organisers are organisations too."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Government agency")
        MINISTRY = "ministry", _("Ministry")
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")
        UNIVERSITY = "university", _("University")
        COMPANY = "company", _("Company")
        ASSOCIATION = "association", _("Association")
        OTHER = "other", _("Other")

    class Country(models.TextChoices):
        SWEDEN = "SE", _("Sweden")
        FINLAND = "FI", _("Finland")

    name = models.CharField(_("name"), max_length=200)
    # The name in each content language, added by django-modeltranslation
    # (tillit/core/translation.py); `name` reads the reader's language.
    name_sv: str | None
    name_fi: str | None
    name_en: str | None
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.SWEDEN
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=ZONE_CHOICES,
        default=DEFAULT_ZONE,
        help_text=_(
            "Times this organisation enters (sessions, events, meetings) are read "
            "and shown in this zone."
        ),
    )
    code = models.CharField(
        _("official code"),
        max_length=20,
        blank=True,
        help_text=_("E.g. the municipality or region code of Statistics Sweden."),
    )
    website = models.URLField(_("website"), blank=True)
    employer_contacts = models.ManyToManyField(
        "core.Person",
        blank=True,
        related_name="employer_contact_for",
        verbose_name=_("employer contacts"),
        help_text=_(
            "People who book seats for this organisation's managers and follow "
            "their progress, e.g. an HR director."
        ),
    )
    staff = models.ManyToManyField(
        "core.Person",
        blank=True,
        related_name="organiser_for",
        verbose_name=_("organiser staff"),
        help_text=_("People who manage this organisation's programmes."),
    )

    class Meta:
        # By the name a Swedish reader sees (then the Finnish, then the English
        # one), so that rows written in any one language have a set order; lists
        # a person reads order by their own language's names (as_read).
        ordering = [as_read("name", "sv"), "pk"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "kind", "code"],
                condition=~Q(code=""),
                name="organisation_code_unique",
            )
        ]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A department (förvaltning) or a unit within one."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="units"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "parent", "name"], name="unit_name_unique"
            )
        ]

    def __str__(self):
        return self.name


class RoleCategory(models.TextChoices):
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    DEPARTMENT_HEAD = "department_head", _("Head of department")
    DIRECTOR = "director", _("Director")
    FINANCE_DIRECTOR = "finance_director", _("Finance director")
    HR_DIRECTOR = "hr_director", _("HR director")
    IT_MANAGER = "it_manager", _("IT manager")
    STRATEGIST = "strategist", _("Strategist")
    CHIEF_EXECUTIVE = "chief_executive", _("Chief executive")
    DIRECTOR_GENERAL = "director_general", _("Director-general")
    OTHER = "other", _("Other")


class ManagerialLevel(models.TextChoices):
    NONE = "none", _("Not a manager")
    FIRST_LINE = "first_line", _("First-line manager")
    MIDDLE = "middle", _("Middle manager")
    SENIOR = "senior", _("Senior manager")
    TOP = "top", _("Top management")


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """Everyone who uses Tillit signs in with e-mail: participants, organisers,
    teachers, employer contacts, mentors. People imported from an HR system have
    an unusable password until they set one."""

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    title = models.CharField(_("title"), max_length=200, blank=True)
    role_category = models.CharField(
        _("role"),
        max_length=30,
        choices=RoleCategory.choices,
        default=RoleCategory.OTHER,
    )
    managerial_level = models.CharField(
        _("managerial level"),
        max_length=20,
        choices=ManagerialLevel.choices,
        default=ManagerialLevel.NONE,
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("unit"),
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("own manager"),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, default="sv"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=~Q(manager=models.F("pk")), name="person_not_own_manager"
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name

    def get_absolute_url(self):
        return reverse("registrations:my-programmes")

    @property
    def sector(self):
        return self.organisation.sector if self.organisation_id else ""


class SecurityEvent(models.Model):
    """The security log: sign-ins, failures, lockouts, refused single sign-on,
    refused access and exports of personal data. Kept apart from the audit
    trail of changes; platform staff read it in the admin."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        LOCKED_OUT = "locked_out", _("Locked out")
        SIGNED_OUT = "signed_out", _("Signed out")
        SSO_REFUSED = "sso_refused", _("Single sign-on refused")
        PASSWORD_REFUSED = "password_refused", _("Password sign-in refused")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        ACCESS_REFUSED = "access_refused", _("Access refused")
        DATA_EXPORTED = "data_exported", _("Personal data exported")
        ERASURE_REQUESTED = "erasure_requested", _("Erasure requested")
        ERASURE_DECLINED = "erasure_declined", _("Erasure declined")
        PERSON_ERASED = "person_erased", _("Personal data erased")
        RETENTION_APPLIED = "retention_applied", _("Retention rules applied")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("what"), max_length=30, choices=Kind.choices)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    email = models.CharField(_("e-mail address given"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("security event")
        verbose_name_plural = _("security log")

    def __str__(self):
        return f"{self.get_kind_display()} {self.email}"


class StoredFile(models.Model):
    """What every uploaded file keeps, in whichever app: its original name and
    the type its content was recognised as (uploads.FILE_TYPES). A concrete
    model adds `file` (upload_to through uploads.random_path) and what it
    belongs to; it is fetched through an access check and sent by
    downloads.attachment."""

    original_name = models.CharField(_("file name"), max_length=255)
    file_type = models.CharField(_("file type"), max_length=10)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name
