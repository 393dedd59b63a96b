"""Mentoring in a programme: the mentor pool, mentees' wishes, the matching
proposal, published pairs and each pair's private space."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """What a mentor can help with and what a mentee wants help with."""

    POLITICS = "politics", _("Working with the political leadership")
    STRATEGY = "strategy", _("Strategic management and governance")
    CHANGE = "change", _("Leading change")
    FINANCE = "finance", _("Finance and resources")
    PEOPLE = "people", _("Staff, recruitment and work environment")
    DIGITAL = "digital", _("Digitalisation")
    SOCIETY = "society", _("Community development and sustainability")
    CRISIS = "crisis", _("Crisis management")
    PERSONAL = "personal", _("Personal leadership and career")
    COMMUNICATION = "communication", _("Communication and dialogue")


class Language(models.TextChoices):
    SWEDISH = "sv", _("Swedish")
    FINNISH = "fi", _("Finnish")
    ENGLISH = "en", _("English")


class MentoringProgramme(models.Model):
    """Mentoring switched on for a programme, with its settings."""

    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="mentoring"
    )
    max_wishes = models.PositiveSmallIntegerField(
        _("wishes per mentee"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How many mentors each mentee may rank, from 1 to 10."),
    )
    reminder_weeks = models.PositiveSmallIntegerField(
        _("remind after weeks without a meeting"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_(
            "Mentee and mentor are reminded when no meeting has been held for "
            "this many weeks."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mentoring in a programme")
        verbose_name_plural = _("mentoring in programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_wishes__gte=1, max_wishes__lte=10),
                name="mentoring_max_wishes_range",
            ),
            models.CheckConstraint(
                condition=Q(reminder_weeks__gte=1), name="mentoring_reminder_positive"
            ),
        ]

    def __str__(self):
        return str(self.programme)


class Mentor(models.Model):
    """A person in a programme's mentor pool."""

    mentoring = models.ForeignKey(
        MentoringProgramme, on_delete=models.CASCADE, related_name="mentors"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_in"
    )
    capacity = models.PositiveSmallIntegerField(
        _("mentees at most"),
        default=2,
        validators=[MaxValueValidator(20)],
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    areas = models.JSONField(_("can help with"), default=list, blank=True)
    profile = models.TextField(_("short profile"), max_length=1500, blank=True)
    is_active = models.BooleanField(
        _("takes new mentees"),
        default=True,
        help_text=_("Mentors who take no new mentees stay with their current ones."),
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person__last_name", "person__first_name", "pk"]
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        constraints = [
            models.UniqueConstraint(
                fields=["mentoring", "person"], name="mentor_once_per_programme"
            ),
        ]

    def __str__(self):
        return str(self.person)

    def area_labels(self):
        return [str(Area(a).label) for a in self.areas if a in Area.values]

    def language_labels(self):
        return [str(Language(x).label) for x in self.languages if x in Language.values]


class Wishlist(models.Model):
    """A mentee's ranked wishes and what they hope for from mentoring."""

    mentoring = models.ForeignKey(
        MentoringProgramme, on_delete=models.CASCADE, related_name="wishlists"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlists"
    )
    areas = models.JSONField(_("want help with"), default=list, blank=True)
    region = models.CharField(_("preferred region"), max_length=100, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    note = models.TextField(_("other wishes"), max_length=1500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("wishes of a mentee")
        verbose_name_plural = _("wishes of mentees")
        constraints = [
            models.UniqueConstraint(
                fields=["mentoring", "mentee"], name="wishlist_once_per_mentee"
            )
        ]

    def __str__(self):
        return f"{self.mentee} – {self.mentoring}"


class Wish(models.Model):
    wishlist = models.ForeignKey(
        Wishlist, on_delete=models.CASCADE, related_name="wishes"
    )
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="wishes")
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["wishlist", "rank"], name="wish_rank_once"),
            models.UniqueConstraint(
                fields=["wishlist", "mentor"], name="wish_mentor_once"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="wish_rank_positive"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.mentor}"


class MatchingRun(models.Model):
    """One run of the matching engine: a proposal until the organiser publishes it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PUBLISHED = "published", _("Published")

    mentoring = models.ForeignKey(
        MentoringProgramme, on_delete=models.CASCADE, related_name="runs"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentoring"],
                condition=Q(status="proposed"),
                name="one_open_proposal_per_programme",
            )
        ]

    def __str__(self):
        return f"{self.mentoring} ({self.get_status_display()})"


class ProposedPair(models.Model):
    """A mentee in a proposal: with a mentor, or unmatched with the engine's reason."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="rows")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    mentor = models.ForeignKey(
        Mentor, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    wish_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    fit = models.FloatField(default=0)
    fixed = models.BooleanField(
        default=False, help_text=_("Published earlier; kept as it is.")
    )
    adjusted = models.BooleanField(default=False)
    reason = models.CharField(max_length=40, blank=True)
    explanation = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["mentee__last_name", "mentee__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "mentee"], name="proposal_mentee_once"
            )
        ]

    def __str__(self):
        return f"{self.mentee} – {self.mentor or '–'}"


class Pair(models.Model):
    """A published mentee–mentor pair and its private space."""

    mentoring = models.ForeignKey(
        MentoringProgramme, on_delete=models.CASCADE, related_name="pairs"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_pairs"
    )
    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="pairs")
    run = models.ForeignKey(
        MatchingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["mentee__last_name", "mentee__first_name", "pk"]
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["mentoring", "mentee"], name="pair_one_mentor_per_mentee"
            )
        ]

    def __str__(self):
        return f"{self.mentee} – {self.mentor}"

    def get_absolute_url(self):
        return reverse("mentoring:pair", kwargs={"pk": self.pk})

    def is_member(self, person):
        return person.pk in (self.mentee_id, self.mentor.person_id)

    def other_member(self, person):
        """The mentor for the mentee, the mentee for the mentor."""
        return self.mentor.person if person.pk == self.mentee_id else self.mentee


class Meeting(models.Model):
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("link"), blank=True)
    topics = models.TextField(_("agreed topics"), max_length=2000, blank=True)
    is_held = models.BooleanField(_("held"), default=False)
    held_marked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("mentoring meeting")
        verbose_name_plural = _("mentoring meetings")

    def __str__(self):
        return f"{self.pair}: {self.starts_at:%Y-%m-%d %H:%M}"


class Note(models.Model):
    class Visibility(models.TextChoices):
        SHARED = "shared", _("Shared with the other person")
        PRIVATE = "private", _("Private: only I see it")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    visibility = models.CharField(
        _("who sees it"), max_length=10, choices=Visibility.choices
    )
    body = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.author}: {self.body[:40]}"


LIKERT = [(n, str(n)) for n in range(1, 6)]


class Evaluation(models.Model):
    """One side's short evaluation of a pair at the end."""

    class Side(models.TextChoices):
        MENTEE = "mentee", _("Mentee")
        MENTOR = "mentor", _("Mentor")

    #: (field, question); the answers are 1 (do not agree) to 5 (fully agree).
    QUESTIONS = [
        ("useful", _("The mentoring was useful for me.")),
        ("trust", _("We built a relationship of trust.")),
        ("often", _("We met often enough.")),
        ("recommend", _("I would recommend mentoring to others.")),
    ]

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="evaluations")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    useful = models.PositiveSmallIntegerField(choices=LIKERT)
    trust = models.PositiveSmallIntegerField(choices=LIKERT)
    often = models.PositiveSmallIntegerField(choices=LIKERT)
    recommend = models.PositiveSmallIntegerField(choices=LIKERT)
    comment = models.TextField(_("anything else"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "respondent"], name="evaluation_once_per_side"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"evaluation_{name}_likert",
                )
                for name in ("useful", "trust", "often", "recommend")
            ],
        ]

    def __str__(self):
        return f"{self.pair} ({self.side})"
