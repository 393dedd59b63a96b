"""Forms of the mentoring pages. They parse and validate; the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.core import timezones
from tillit.core.models import Organisation, Person

from .models import (
    Area,
    Evaluation,
    Language,
    Meeting,
    Mentor,
    MentoringProgramme,
    Note,
)

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MentoringProgramme
        fields = ["max_wishes", "reminder_weeks"]


class ProfileFields(forms.Form):
    """A mentor's profile: shared by adding and editing a mentor."""

    capacity = forms.IntegerField(
        label=_("Mentees at most"), min_value=0, max_value=20, initial=2
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=["sv"],
    )
    region = forms.CharField(
        label=_("Region"),
        max_length=100,
        required=False,
        help_text=_("For example Östergötland."),
    )
    areas = forms.MultipleChoiceField(
        label=_("Can help with"),
        choices=Area.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    profile = forms.CharField(
        label=_("Short profile"),
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the programme's participants."),
    )

    def profile_fields(self):
        return {
            name: self.cleaned_data[name]
            for name in ("capacity", "languages", "region", "areas", "profile")
        }


class AddMentorForm(ProfileFields):
    """Add an existing person by e-mail, or create a person for an external
    mentor (names required then)."""

    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        required=False,
        help_text=_("Only for someone new to Tillit."),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        required=False,
        help_text=_("Only for someone new to Tillit."),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Only for someone new to Tillit."),
    )

    field_order = ["email", "first_name", "last_name", "title", "organisation"]

    def clean(self):
        data = super().clean()
        email = data.get("email")
        if email:
            self.person = Person.objects.filter(email__iexact=email).first()
            if self.person is None:
                for name in ("first_name", "last_name"):
                    if not data.get(name):
                        self.add_error(
                            name,
                            _(
                                "Nobody in Tillit has this e-mail address yet: give "
                                "the new mentor's name."
                            ),
                        )
        return data


class MentorForm(ProfileFields):
    is_active = forms.BooleanField(
        label=_("Takes new mentees"),
        required=False,
        help_text=_("Mentors who take no new mentees stay with their current ones."),
    )

    def profile_fields(self):
        return {**super().profile_fields(), "is_active": self.cleaned_data["is_active"]}

    @classmethod
    def for_mentor(cls, mentor: Mentor, data=None):
        initial = {
            name: getattr(mentor, name)
            for name in ("capacity", "languages", "region", "areas", "profile")
        }
        initial["is_active"] = mentor.is_active
        return cls(data, initial=initial)


class PoolFilterForm(forms.Form):
    area = forms.ChoiceField(
        label=_("Can help with"),
        choices=[("", _("All areas")), *Area.choices],
        required=False,
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("All languages")), *Language.choices],
        required=False,
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            ("", _("All regions")),
            *[(r, r) for r in regions],
        ]


class MentorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, mentor):
        org = mentor.person.organisation
        return f"{mentor.person.get_full_name()}" + (f", {org}" if org else "")


class WishesForm(forms.Form):
    """Ranked wishes as ordered select boxes (keyboard usable), and free text."""

    areas = forms.MultipleChoiceField(
        label=_("I would like help with"),
        choices=Area.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    region = forms.ChoiceField(label=_("Preferred region"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages I can use"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Other wishes"),
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example what you hope to get from mentoring."),
    )

    def __init__(self, *args, mentoring, mentors, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.max_wishes = mentoring.max_wishes
        queryset = Mentor.objects.filter(pk__in=[m.pk for m in mentors]).select_related(
            "person__organisation"
        )
        self.fields["region"].choices = [
            ("", _("No preference")),
            *[(r, r) for r in regions],
        ]
        for rank in range(1, self.max_wishes + 1):
            self.fields[f"choice_{rank}"] = MentorChoiceField(
                label=_("Wish %(rank)d") % {"rank": rank},
                queryset=queryset,
                required=False,
                empty_label=_("– no mentor chosen –"),
            )
        self.order_fields([f"choice_{r}" for r in range(1, self.max_wishes + 1)])

    def rank_fields(self):
        return [self[f"choice_{r}"] for r in range(1, self.max_wishes + 1)]

    def other_fields(self):
        return [self[name] for name in ("areas", "region", "languages", "note")]

    def clean(self):
        data = super().clean()
        seen = {}
        for rank in range(1, self.max_wishes + 1):
            mentor = data.get(f"choice_{rank}")
            if mentor is None:
                continue
            if mentor.pk in seen:
                self.add_error(
                    f"choice_{rank}",
                    _("You already chose this mentor as wish %(rank)d.")
                    % {"rank": seen[mentor.pk]},
                )
            else:
                seen[mentor.pk] = rank
        return data

    def ranked_mentors(self):
        return [
            self.cleaned_data[f"choice_{r}"]
            for r in range(1, self.max_wishes + 1)
            if self.cleaned_data.get(f"choice_{r}")
        ]

    @staticmethod
    def initial_from(wishlist, person):
        if wishlist is None:
            return {"languages": [person.preferred_language]}
        initial = {
            "areas": wishlist.areas,
            "region": wishlist.region,
            "languages": wishlist.languages,
            "note": wishlist.note,
        }
        for wish in wishlist.wishes.all():
            initial[f"choice_{wish.rank}"] = wish.mentor_id
        return initial


class MeetingForm(forms.ModelForm):
    """A pair's meeting. Its time is read and shown on the programme organiser's
    clock (`zone`), as the mails and calendars give it."""

    starts_at = timezones.ZonedDateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format=DATETIME_LOCAL
        ),
    )

    class Meta:
        model = Meeting
        fields = ["starts_at", "place", "link", "topics"]
        widgets = {"topics": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "place": _("Where you meet, or leave empty and give a link."),
            "link": _("Link to the online meeting, if you meet online."),
        }

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        timezones.read_times_in(self, zone)

    def clean(self):
        data = super().clean()
        if not (data.get("place") or data.get("link")) and not self.errors.get("link"):
            self.add_error("place", _("Give a place or a link for the meeting."))
        return data


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["body", "visibility"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 3}),
            "visibility": forms.RadioSelect,
        }


class EvaluationForm(forms.Form):
    comment = forms.CharField(
        label=_("Anything else you want to tell the organiser?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Answers are shown to the organiser only as a summary of five or more."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scale = [
            (1, _("1 – do not agree")),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, _("5 – fully agree")),
        ]
        for name, question in reversed(Evaluation.QUESTIONS):
            self.fields = {
                name: forms.TypedChoiceField(
                    label=question,
                    choices=scale,
                    coerce=int,
                    widget=forms.RadioSelect,
                ),
                **self.fields,
            }

    def answers(self):
        return {name: self.cleaned_data[name] for name, _q in Evaluation.QUESTIONS}
