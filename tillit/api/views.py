"""The REST API, version 1: find, act, answer, as the pages do.

Reads are public where the pages are; writes need a signed-in person (token or
session). Organiser endpoints pass the one permission gate in
programmes.selectors (`programme_for_organiser`, `cohort_for_organiser`), which
answers 404 to everyone else. Errors rise to tillit.api.errors.
"""

from dataclasses import replace

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework import generics, status
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.throttling import AnonRateThrottle

from tillit.accounts import services as accounts
from tillit.core import security
from tillit.programmes import selectors as programme_selectors
from tillit.programmes import services as programme_services
from tillit.programmes.models import Cohort
from tillit.registrations import selectors as registration_selectors
from tillit.registrations import services as registration_services
from tillit.registrations.models import Registration
from tillit.registrations.selectors import with_waitlist_position

from . import serializers
from .errors import ErrorSerializer
from .pagination import ListPagination
from .selectors import public_cohorts, public_programme


def _errors(*codes):
    """Schema responses for the error statuses an endpoint can give."""
    texts = {
        400: "Invalid input (see `errors`), or a change that cannot be made.",
        401: "Not signed in: send `Authorization: Token <token>`.",
        403: "Not allowed; for not_eligible see `reasons`.",
        404: "Not found, or not yours.",
        409: "Registration closed, cohort full, or already registered.",
        503: "Busy: try again after `Retry-After` seconds.",
    }
    return {code: OpenApiResponse(ErrorSerializer, texts[code]) for code in codes}


class TokenThrottle(AnonRateThrottle):
    """Slows password guessing: a few attempts a minute per address."""

    scope = "api-token"
    rate = "20/minute"


@extend_schema(
    tags=["auth"],
    summary="Get an API token",
    description=(
        "Sign in with e-mail and password and get a new API key to send as "
        "`Authorization: Token <token>`. It is valid for API_KEY_DAYS (90) days; "
        "its owner sees, names and revokes their keys under My pages, API keys. "
        "After 5 failed attempts the account is locked for 15 minutes (429)."
    ),
    request=serializers.TokenRequestSerializer,
    responses={200: serializers.TokenSerializer, **_errors(400)},
    auth=[],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([TokenThrottle])
def obtain_token(request):
    form = serializers.TokenRequestSerializer(
        data=request.data, context={"request": request}
    )
    form.is_valid(raise_exception=True)
    # An ApiKeyError answers 400 too_many_keys (tillit.api.errors).
    _record, key = accounts.create_api_key(
        form.validated_data["person"],
        name=_("Signed in through the API"),
        days=settings.REST_KNOX["TOKEN_TTL"].days,
    )
    return Response({"token": key})


@extend_schema_view(
    get=extend_schema(
        tags=["programmes"],
        summary="Programmes in the catalogue",
        parameters=[serializers.CatalogueFilterSerializer],
        responses={
            200: serializers.ProgrammeSerializer(many=True),
            **_errors(400),
        },
        auth=[],
    )
)
class ProgrammeList(generics.ListAPIView):
    pagination_class = ListPagination
    serializer_class = serializers.ProgrammeSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        filters = serializers.CatalogueFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        programmes = programme_selectors.catalogue(**filters.to_catalogue_arguments())
        # The list shows themes, not the target rules the catalogue page reads.
        return programmes.prefetch_related(None).prefetch_related("themes")


@extend_schema(
    tags=["programmes"],
    summary="A programme with its upcoming cohorts",
    responses={200: serializers.ProgrammeDetailSerializer, **_errors(404)},
    auth=[],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def programme_detail(request, pk):
    programme = public_programme(pk)
    return Response(serializers.ProgrammeDetailSerializer(programme).data)


@extend_schema_view(
    get=extend_schema(
        tags=["cohorts"],
        summary="Upcoming cohorts with availability",
        parameters=[serializers.CohortFilterSerializer],
        responses={200: serializers.CohortSerializer(many=True), **_errors(400)},
        auth=[],
    )
)
class CohortList(generics.ListAPIView):
    pagination_class = ListPagination
    serializer_class = serializers.CohortSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        filters = serializers.CohortFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        cohorts = public_cohorts().upcoming()
        if programme := filters.validated_data.get("programme"):
            cohorts = cohorts.filter(programme=programme)
        return cohorts


@extend_schema_view(
    get=extend_schema(
        tags=["cohorts"],
        summary="A cohort with its sessions and availability",
        responses={200: serializers.CohortDetailSerializer, **_errors(404)},
        auth=[],
    )
)
class CohortDetail(generics.RetrieveAPIView):
    serializer_class = serializers.CohortDetailSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return public_cohorts().prefetch_related("sessions__teachers")


def _own_registration(registration):
    registrations = with_waitlist_position(
        Registration.objects.select_related("cohort__programme")
    )
    return registrations.get(pk=registration.pk)


@extend_schema(
    tags=["registrations"],
    summary="Register for a cohort",
    description=(
        "Gives the signed-in person a seat, or a place on the waitlist when the "
        "cohort is full (see `status` and `waitlist_position`)."
    ),
    request=None,
    responses={
        201: serializers.RegistrationSerializer,
        **_errors(400, 401, 403, 404, 409, 503),
    },
)
@api_view(["POST"])
def cohort_register(request, pk):
    # The cohort is read once, locked, by the service (404 unless published
    # for the person); the registration it returns carries the cohort, its
    # programme and the waitlist position: the answer needs no further query.
    try:
        registration = registration_services.register(
            request.user, Cohort(pk=pk), published_for=request.user
        )
    except Cohort.DoesNotExist as missing:
        raise Http404 from missing
    data = serializers.RegistrationSerializer(registration).data
    return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["registrations"],
    summary="Cancel one's own registration",
    description="A freed seat goes at once to the first person on the waitlist.",
    request=None,
    responses={
        200: serializers.RegistrationSerializer,
        **_errors(400, 401, 404, 503),
    },
)
@api_view(["POST"])
def registration_cancel(request, pk):
    registration = get_object_or_404(Registration, pk=pk, person=request.user)
    registration_services.cancel(registration, actor=request.user)
    data = serializers.RegistrationSerializer(_own_registration(registration)).data
    return Response(data)


@extend_schema_view(
    get=extend_schema(
        tags=["registrations"],
        summary="My registrations",
        description="Cohorts the signed-in person registered for, also cancelled.",
        parameters=[serializers.MyRegistrationFilterSerializer],
        responses={
            200: serializers.RegistrationSerializer(many=True),
            **_errors(400, 401),
        },
    )
)
class MyRegistrationList(generics.ListAPIView):
    pagination_class = ListPagination
    serializer_class = serializers.RegistrationSerializer

    def get_queryset(self):
        filters = serializers.MyRegistrationFilterSerializer(
            data=self.request.query_params
        )
        filters.is_valid(raise_exception=True)
        registrations = registration_selectors.registrations_for_person(
            self.request.user
        ).prefetch_related(None)
        if wanted := filters.validated_data.get("status"):
            registrations = registrations.filter(status=wanted)
        return with_waitlist_position(registrations)


@extend_schema_view(
    get=extend_schema(
        tags=["organiser"],
        summary="Cohorts of a programme one organises",
        responses={
            200: serializers.OrganiserCohortSerializer(many=True),
            **_errors(401, 404),
        },
    ),
    post=extend_schema(
        tags=["organiser"],
        summary="Create a cohort of a programme one organises",
        request=serializers.CohortWriteSerializer,
        responses={
            201: serializers.OrganiserCohortSerializer,
            **_errors(400, 401, 404),
        },
    ),
)
class OrganiserCohortList(generics.ListCreateAPIView):
    pagination_class = ListPagination
    serializer_class = serializers.OrganiserCohortSerializer

    def get_programme(self):
        return programme_selectors.programme_for_organiser(
            self.request.user, self.kwargs["pk"]
        )

    def get_queryset(self):
        programme = self.get_programme()
        return registration_selectors.with_availability(
            programme.cohorts.order_by("starts_on", "pk")
        )

    def create(self, request, *args, **kwargs):
        programme = self.get_programme()
        form = serializers.CohortWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        cohort = programme_services.create_cohort(
            programme, actor=request.user, **form.validated_data
        )
        data = serializers.OrganiserCohortSerializer(cohort).data
        location = reverse(
            "api:cohort-detail", kwargs={"pk": cohort.pk}, request=request
        )
        return Response(
            data, status=status.HTTP_201_CREATED, headers={"Location": location}
        )


@extend_schema_view(
    get=extend_schema(
        tags=["organiser"],
        summary="Registrations of a cohort one organises",
        description="Seats first, then the waitlist in order; cancelled ones left out.",
        responses={
            200: serializers.CohortRegistrationSerializer(many=True),
            **_errors(401, 404),
        },
    )
)
class PersonalDataList(generics.ListAPIView):
    """A list of people by name: each download is an export of personal data
    in the security log (security.mark_export)."""

    pagination_class = ListPagination

    export_name = ""

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        return security.mark_export(response, self.export_name, person=request.user)


class OrganiserCohortRegistrationList(PersonalDataList):
    serializer_class = serializers.CohortRegistrationSerializer
    export_name = "cohort registrations"

    def get_queryset(self):
        cohort = programme_selectors.cohort_for_organiser(
            self.request.user, self.kwargs["pk"]
        )
        registrations = registration_selectors.registrations_for_cohort(cohort)
        return with_waitlist_position(registrations)


# Employer contacts, approvers and offers (issue 3). The services check who may
# act (NotAllowed: 403); lookups by id go through the employer selectors, which
# answer 404 for other organisations' reservations and registrations.


def _with_positions(outcomes):
    """The outcomes with their registrations read again in one query, which
    numbers their waitlist positions."""
    pks = [o.registration.pk for o in outcomes if o.registration is not None]
    fresh = with_waitlist_position(Registration.objects.filter(pk__in=pks)).in_bulk()
    return [
        replace(o, registration=fresh[o.registration.pk]) if o.registration else o
        for o in outcomes
    ]


@extend_schema(
    tags=["employer"],
    summary="Book seats for several managers of one's organisation",
    description=(
        "Every person gets an outcome: `seat`, `held` (waiting for approval), "
        "`waitlisted`, or `refused` with the reason (not in the target group, "
        "already registered, over the organisation's seat limit, not a member of "
        "the organisation). Refusals do not stop the others. With "
        "`wait_together` the people get seats all together or wait as one entry."
    ),
    request=serializers.BookingRequestSerializer,
    responses={
        200: serializers.BookingResultSerializer,
        **_errors(400, 401, 403, 404, 409, 503),
    },
)
@api_view(["POST"])
def employer_booking(request, pk):
    cohort = get_object_or_404(Cohort.objects.published(request.user), pk=pk)
    form = serializers.BookingRequestSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    organisation = form.validated_data["organisation"]
    outcomes = registration_services.book_for_others(
        cohort,
        form.validated_data["people"],
        actor=request.user,
        organisation=organisation,
        wait_together=form.validated_data["wait_together"],
    )
    result = serializers.BookingResultSerializer(
        {"outcomes": _with_positions(outcomes)}, context={"organisation": organisation}
    )
    return Response(result.data)


@extend_schema(
    tags=["employer"],
    summary="Reserve seats now and name the people later",
    description=(
        "Holds free seats for the organisation until the cohort's naming "
        "deadline; seats still unnamed then go back to the pool and the waitlist."
    ),
    request=serializers.ReservationRequestSerializer,
    responses={
        201: serializers.ReservationSerializer,
        **_errors(400, 401, 403, 404, 409, 503),
    },
)
@api_view(["POST"])
def employer_reservation_create(request, pk):
    cohort = get_object_or_404(Cohort.objects.published(request.user), pk=pk)
    form = serializers.ReservationRequestSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    reservation = registration_services.reserve_seats(
        cohort,
        actor=request.user,
        organisation=form.validated_data["organisation"],
        seats_wanted=form.validated_data["seats"],
    )
    data = serializers.ReservationSerializer(reservation).data
    return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["employer"],
    summary="Name a manager into a reserved seat",
    request=serializers.PersonRequestSerializer,
    responses={
        201: serializers.RegistrationSerializer,
        **_errors(400, 401, 403, 404, 409, 503),
    },
)
@api_view(["POST"])
def employer_reservation_name(request, pk):
    reservation = registration_selectors.reservation_for_employer(request.user, pk)
    form = serializers.PersonRequestSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    registration = registration_services.name_seat(
        reservation, form.validated_data["person"], actor=request.user
    )
    data = serializers.RegistrationSerializer(_own_registration(registration)).data
    return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["employer"],
    summary="Pass a booked seat to a colleague",
    description=(
        "Until the cohort starts. The colleague takes over the seat, or the place "
        "on the waitlist; the answer is the colleague's new registration."
    ),
    request=serializers.PersonRequestSerializer,
    responses={
        201: serializers.RegistrationSerializer,
        **_errors(400, 401, 403, 404, 409, 503),
    },
)
@api_view(["POST"])
def employer_registration_swap(request, pk):
    registration = registration_selectors.registration_for_employer(request.user, pk)
    form = serializers.PersonRequestSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    successor = registration_services.swap(
        registration, form.validated_data["person"], actor=request.user
    )
    data = serializers.RegistrationSerializer(_own_registration(successor)).data
    return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=["employer"],
        summary="Registrations of my organisations' people",
        description=(
            "Only organisations the caller is an employer contact of; also "
            "cancelled registrations, with why they ended."
        ),
        parameters=[serializers.EmployerRegistrationFilterSerializer],
        responses={
            200: serializers.EmployerRegistrationSerializer(many=True),
            **_errors(400, 401),
        },
    )
)
class EmployerRegistrationList(PersonalDataList):
    serializer_class = serializers.EmployerRegistrationSerializer
    export_name = "employer registrations"

    def get_queryset(self):
        filters = serializers.EmployerRegistrationFilterSerializer(
            data=self.request.query_params
        )
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        registrations = registration_selectors.employer_registrations(self.request.user)
        if "cohort" in wanted:
            registrations = registrations.filter(cohort=wanted["cohort"])
        if "organisation" in wanted:
            registrations = registrations.filter(
                person__organisation=wanted["organisation"]
            )
        if "status" in wanted:
            registrations = registrations.filter(status=wanted["status"])
        return with_waitlist_position(registrations)


@extend_schema_view(
    get=extend_schema(
        tags=["approvals"],
        summary="Held seats waiting for my approval",
        description="Soonest to lapse first.",
        responses={
            200: serializers.ApprovalSerializer(many=True),
            **_errors(401),
        },
    )
)
class ApprovalList(generics.ListAPIView):
    pagination_class = ListPagination
    serializer_class = serializers.ApprovalSerializer

    def get_queryset(self):
        return registration_selectors.approvals_for(self.request.user)


@extend_schema(
    tags=["approvals"],
    summary="Approve or refuse a held seat",
    description=(
        "For the named approver, an employer contact of the participant's "
        "organisation (when nobody is named) or the programme's organisers. "
        "A refused seat goes to the waitlist."
    ),
    request=serializers.ApprovalDecisionSerializer,
    responses={
        200: serializers.RegistrationSerializer,
        **_errors(400, 401, 403, 404, 503),
    },
)
@api_view(["POST"])
def approval_decide(request, pk):
    registration = get_object_or_404(Registration, pk=pk)
    form = serializers.ApprovalDecisionSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    registration_services.decide_approval(
        registration,
        approve=form.validated_data["approve"],
        actor=request.user,
        note=form.validated_data["note"],
    )
    data = serializers.RegistrationSerializer(_own_registration(registration)).data
    return Response(data)


def _answer_offer(answer, request, pk):
    registration = get_object_or_404(Registration, pk=pk)
    answer(registration, actor=request.user)
    data = serializers.RegistrationSerializer(_own_registration(registration)).data
    return Response(data)


_OFFER_RESPONSES = {
    200: serializers.RegistrationSerializer,
    **_errors(400, 401, 403, 404, 503),
}


@extend_schema(
    tags=["registrations"],
    summary="Accept a seat offered from the waitlist",
    description=(
        "Before `expires_at`; by the person, or an employer contact of their "
        "organisation. When the programme asks for approval the seat is then held."
    ),
    request=None,
    responses=_OFFER_RESPONSES,
)
@api_view(["POST"])
def registration_accept_offer(request, pk):
    return _answer_offer(registration_services.accept_offer, request, pk)


@extend_schema(
    tags=["registrations"],
    summary="Decline a seat offered from the waitlist",
    description="The seat is offered at once to the next on the waitlist.",
    request=None,
    responses=_OFFER_RESPONSES,
)
@api_view(["POST"])
def registration_decline_offer(request, pk):
    return _answer_offer(registration_services.decline_offer, request, pk)


class SwaggerDocs(SpectacularSwaggerView):
    """Interactive docs with Swagger UI served from our own static files
    (drf-spectacular-sidecar), never from a CDN, whatever the settings say."""

    template_name = "api/swagger_ui.html"

    @staticmethod
    def _swagger_ui_resource(filename):
        return static(f"drf_spectacular_sidecar/swagger-ui-dist/{filename}")

    @staticmethod
    def _swagger_ui_favicon():
        return SwaggerDocs._swagger_ui_resource("favicon-32x32.png")
