"""How programmes, cohorts and registrations look in the API, and what it accepts.

Serializers only shape and parse; writes go through the services. Availability is
read with `availability_of`, so lists annotated by `with_availability` cost no
query per cohort.
"""

from dataclasses import dataclass

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from tillit.accounts import services as account_services
from tillit.core import security
from tillit.core.models import Organisation, Person, RoleCategory, Sector
from tillit.programmes.models import Cohort, Programme, Session
from tillit.registrations.models import Registration, Reservation
from tillit.registrations.selectors import availability_of

#: The largest primary key the database can hold (a signed 64-bit integer, as
#: PostgreSQL's bigint and SQLite's INTEGER): a larger id in a query or body is
#: a 400 with a message, never an overflow in the database driver (issue 16).
MAX_ROW_ID = 2**63 - 1


def RowId(**kwargs):
    """An integer field for a row's id: 1 to MAX_ROW_ID."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ROW_ID, **kwargs)


class LockedOut(exceptions.APIException):
    status_code = 429
    default_code = "locked_out"
    default_detail = _(
        "Too many failed attempts to sign in to this account. Wait a while and "
        "try again."
    )


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False
    )

    def validate(self, attrs):
        request = self.context.get("request")
        try:
            # django-axes counts failures on the Django request it is given.
            person = authenticate(
                getattr(request, "_request", request),
                email=attrs["email"].strip().lower(),
                password=attrs["password"],
            )
        except AxesBackendPermissionDenied:
            raise LockedOut from None
        if person is None:
            raise serializers.ValidationError(
                _("The e-mail address or the password is wrong."), code="invalid_login"
            )
        if account_services.password_refused(person):
            security.record(
                security.Kind.PASSWORD_REFUSED, request=request, person=person
            )
            raise serializers.ValidationError(
                _(
                    "Your organisation signs you in through its own service, "
                    "%(service)s, so a Tillit password gives no API token."
                )
                % {"service": account_services.sign_in_for(person).label},
                code="password_refused",
            )
        attrs["person"] = person
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text='Send it as the header "Authorization: Token <token>".'
    )


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind", "sector", "country"]


class TeacherSerializer(serializers.Serializer):
    name = serializers.CharField(source="get_full_name")
    title = serializers.CharField()


class ContactPersonSerializer(TeacherSerializer):
    email = serializers.EmailField()


class ProgrammeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "slug", "title"]


class AvailabilitySerializer(serializers.Serializer):
    """Seats and registration window of a cohort; `source="*"` on a cohort."""

    capacity = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    seats_left = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    waitlist_enabled = serializers.BooleanField()
    is_full = serializers.BooleanField()
    label = serializers.CharField(help_text='E.g. "12 of 30 seats left".')
    registration_open = serializers.BooleanField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()

    def to_representation(self, cohort):
        seats = availability_of(cohort)
        return super().to_representation(
            {
                "capacity": seats.capacity,
                "confirmed": seats.confirmed,
                "seats_left": seats.seats_left,
                "waitlisted": seats.waitlisted,
                "waitlist_enabled": seats.waitlist_enabled,
                "is_full": seats.is_full,
                "label": seats.label,
                "registration_open": cohort.registration_is_open(timezone.now()),
                "opens_at": cohort.registration_opens_at,
                "closes_at": cohort.registration_closes_at,
            }
        )


class SessionSerializer(serializers.ModelSerializer):
    """Times are given in the organiser's zone (with its UTC offset), named in
    `time_zone`, as on the web page, in the e-mail and in the .ics file."""

    teachers = TeacherSerializer(many=True, read_only=True)
    time_zone = serializers.SerializerMethodField(
        help_text=_("The organiser's time zone (IANA name), e.g. Europe/Helsinki.")
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "title",
            "starts_at",
            "ends_at",
            "time_zone",
            "mode",
            "location",
            "teachers",
            "cancelled_at",
        ]
        read_only_fields = ["cancelled_at"]

    def get_time_zone(self, session) -> str:
        return session.time_zone.key

    def to_representation(self, instance):
        with timezone.override(instance.time_zone):
            return super().to_representation(instance)


class CohortSerializer(serializers.ModelSerializer):
    """A cohort in a list: needs `with_availability` and programme selected."""

    programme = ProgrammeRefSerializer(read_only=True)
    availability = AvailabilitySerializer(source="*", read_only=True)

    class Meta:
        model = Cohort
        fields = [
            "id",
            "programme",
            "name",
            "starts_on",
            "ends_on",
            "location",
            "availability",
        ]


class CohortDetailSerializer(CohortSerializer):
    sessions = SessionSerializer(many=True, read_only=True)

    class Meta(CohortSerializer.Meta):
        fields = [*CohortSerializer.Meta.fields, "sessions"]


class CohortInProgrammeSerializer(CohortSerializer):
    class Meta(CohortSerializer.Meta):
        fields = [f for f in CohortSerializer.Meta.fields if f != "programme"]


class OrganiserCohortSerializer(CohortInProgrammeSerializer):
    """A cohort as its organiser sees it, with the link participants get."""

    class Meta(CohortInProgrammeSerializer.Meta):
        fields = [*CohortInProgrammeSerializer.Meta.fields, "online_link"]


class ProgrammeSerializer(serializers.ModelSerializer):
    organiser = OrganisationSerializer(read_only=True)
    themes = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    next_start = serializers.DateField(
        read_only=True, allow_null=True, help_text="Start of the next cohort."
    )

    class Meta:
        model = Programme
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "format",
            "organiser",
            "themes",
            "target_group",
            "fee",
            "fee_currency",
            "next_start",
        ]


class ProgrammeDetailSerializer(ProgrammeSerializer):
    target_rules = serializers.SerializerMethodField()
    teachers = TeacherSerializer(many=True, read_only=True)
    contact_persons = ContactPersonSerializer(many=True, read_only=True)
    cohorts = CohortInProgrammeSerializer(
        source="upcoming_cohorts", many=True, read_only=True
    )

    class Meta(ProgrammeSerializer.Meta):
        fields = [f for f in ProgrammeSerializer.Meta.fields if f != "next_start"] + [
            "description",
            "target_rules",
            "teachers",
            "contact_persons",
            "cohorts",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_target_rules(self, programme):
        """The target group rules in plain words."""
        return [str(rule.describe()) for rule in programme.target_rules.all()]


class CatalogueFilterSerializer(serializers.Serializer):
    """The catalogue's filters as query parameters."""

    q = serializers.CharField(required=False, allow_blank=True, help_text="Free text.")
    # Not "format": DRF reads that query parameter as the response format.
    formats = serializers.MultipleChoiceField(
        choices=Programme.Format.choices, required=False
    )
    organiser = RowId(required=False)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    role = serializers.ChoiceField(choices=RoleCategory.choices, required=False)
    starts_after = serializers.DateField(required=False)
    starts_before = serializers.DateField(required=False)

    def to_catalogue_arguments(self):
        data = self.validated_data
        return {
            "query": data.get("q", "").strip(),
            "formats": sorted(data.get("formats", ())),
            "organiser": data.get("organiser"),
            "sector": data.get("sector", ""),
            "role": data.get("role", ""),
            "starts_after": data.get("starts_after"),
            "starts_before": data.get("starts_before"),
        }


class CohortFilterSerializer(serializers.Serializer):
    programme = RowId(required=False)


class CohortWriteSerializer(serializers.ModelSerializer):
    """What an organiser sends to create a cohort; the service validates the rest."""

    class Meta:
        model = Cohort
        fields = [
            "name",
            "starts_on",
            "ends_on",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "location",
            "online_link",
            "waitlist_enabled",
        ]
        extra_kwargs = {"capacity": {"min_value": 1}}


class CohortRefSerializer(serializers.ModelSerializer):
    programme = ProgrammeRefSerializer(read_only=True)

    class Meta:
        model = Cohort
        fields = ["id", "name", "starts_on", "ends_on", "programme"]


class RegistrationSerializer(serializers.ModelSerializer):
    """A person's own registration; `waitlist_position` from `with_waitlist_position`
    (1-based, null when not waiting)."""

    cohort = CohortRefSerializer(read_only=True)
    waitlist_position = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "status",
            "waitlist_position",
            "cohort",
            "created_at",
            "confirmed_at",
            "expires_at",
            "cancelled_at",
            "end_reason",
        ]
        extra_kwargs = {
            "expires_at": {
                "help_text": "When a held seat or an offered seat lapses, if it does."
            },
            "end_reason": {"help_text": "Why a cancelled registration ended."},
        }


class ParticipantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()
    title = serializers.CharField()
    role_category = serializers.CharField()
    managerial_level = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name", default=None)
    unit = serializers.CharField(source="unit.name", default=None)


class CohortRegistrationSerializer(serializers.ModelSerializer):
    """A registration as the organiser sees it."""

    person = ParticipantSerializer(read_only=True)
    waitlist_position = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "status",
            "waitlist_position",
            "person",
            "created_at",
            "confirmed_at",
        ]


class MyRegistrationFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Registration.Status.choices, required=False
    )


# Employer contacts and approvers (issue 3).


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class BookingRequestSerializer(serializers.Serializer):
    """Book seats for named managers of one's organisation in one go."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        help_text="The organisation the caller is an employer contact of.",
    )
    people = serializers.ListField(
        child=RowId(),
        min_length=1,
        max_length=50,
        help_text="Ids of the managers to book, in the order to book them.",
    )
    wait_together = serializers.BooleanField(
        default=False,
        help_text=(
            "True: seats for all of them or none, and they wait as one entry "
            "(all or nothing). False: seats for as many as fit, the rest wait."
        ),
    )

    def validate(self, attrs):
        wanted = list(dict.fromkeys(attrs["people"]))
        found = Person.objects.select_related("organisation").in_bulk(wanted)
        # An id nobody has is refused like a person of another organisation,
        # so the answer never tells whether a person exists (issue 16).
        attrs["people"] = [found.get(pk) or UnknownPerson(pk) for pk in wanted]
        return attrs


@dataclass(frozen=True)
class UnknownPerson:
    """Stands in for an id no one has; book_for_others refuses it as not a
    member of the organisation."""

    pk: int
    organisation_id: None = None

    def get_full_name(self):
        return ""


class RegistrationRefSerializer(serializers.ModelSerializer):
    waitlist_position = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Registration
        fields = ["id", "status", "waitlist_position", "expires_at"]


class BookingOutcomeSerializer(serializers.Serializer):
    """What happened to one person: `seat`, `held` (awaiting approval),
    `waitlisted`, or `refused` with the reason."""

    person = serializers.SerializerMethodField()
    outcome = serializers.ChoiceField(choices=["seat", "held", "waitlisted", "refused"])
    reason = serializers.CharField(help_text="Why the person was refused.")
    registration = RegistrationRefSerializer(allow_null=True)

    @extend_schema_field(PersonRefSerializer)
    def get_person(self, outcome):
        """The name only of the organisation's own people."""
        person = outcome.person
        organisation = self.context["organisation"]
        name = (
            person.get_full_name() if person.organisation_id == organisation.pk else ""
        )
        return {"id": person.pk, "name": name}


class BookingResultSerializer(serializers.Serializer):
    outcomes = BookingOutcomeSerializer(many=True)


class ReservationRequestSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        help_text="The organisation the caller is an employer contact of.",
    )
    seats = serializers.IntegerField(min_value=1, max_value=100)


class ReservationSerializer(serializers.ModelSerializer):
    cohort = CohortRefSerializer(read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    naming_deadline = serializers.DateTimeField(
        source="cohort.naming_deadline",
        read_only=True,
        help_text="Seats still unnamed then go back to the pool.",
    )

    class Meta:
        model = Reservation
        fields = [
            "id",
            "cohort",
            "organisation",
            "seats",
            "unnamed_seats",
            "naming_deadline",
            "created_at",
            "released_at",
        ]


class PersonRequestSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.select_related("organisation"),
        help_text="Id of a manager of the same organisation.",
    )


class EmployerRegistrationSerializer(serializers.ModelSerializer):
    """A registration of one of the caller's organisations' people."""

    person = ParticipantSerializer(read_only=True)
    cohort = CohortRefSerializer(read_only=True)
    booked_by = serializers.CharField(
        source="booked_by.get_full_name", default=None, read_only=True
    )
    waitlist_position = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "status",
            "waitlist_position",
            "person",
            "cohort",
            "booked_by",
            "created_at",
            "confirmed_at",
            "expires_at",
            "cancelled_at",
            "end_reason",
        ]


class EmployerRegistrationFilterSerializer(serializers.Serializer):
    cohort = RowId(required=False)
    organisation = RowId(required=False)
    status = serializers.ChoiceField(
        choices=Registration.Status.choices, required=False
    )


class ApprovalSerializer(serializers.ModelSerializer):
    """A held seat waiting for the caller's approval."""

    person = ParticipantSerializer(read_only=True)
    cohort = CohortRefSerializer(read_only=True)
    booked_by = serializers.CharField(
        source="booked_by.get_full_name", default=None, read_only=True
    )

    class Meta:
        model = Registration
        fields = ["id", "status", "person", "cohort", "booked_by", "expires_at"]
        extra_kwargs = {"expires_at": {"help_text": "The seat is freed then."}}


class ApprovalDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(
        help_text="True confirms the seat; false frees it for the waitlist."
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=300, default=""
    )
