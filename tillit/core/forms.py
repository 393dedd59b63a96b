"""Form pieces shared by the apps."""

import copy

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .content_languages import CONTENT_LANGUAGES, language_names, language_order
from .models import ManagerialLevel, RoleCategory, Sector


class ContentLanguagesMixin:
    """Shows each translated text of a form once per content language.

    Put the text fields in `translated_fields` as usual ("title", "description"). The
    mixin replaces each by `title_sv`, `title_fi`, `title_en`, grouped one fieldset per
    language by `core/includes/language_fieldsets.html`. A field that was required
    must be written in at least one language. `translated_instance` (or a ModelForm's
    instance) gives the initial texts; `first_language` (the organiser's) leads.
    `language_data()` gives the values to save, every language included, so that an
    untouched language keeps its text.
    """

    translated_fields: tuple[str, ...] = ()

    def __init__(self, *args, translated_instance=None, first_language=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self._single_language_posts(self.data)
        source = translated_instance
        if source is None and getattr(getattr(self, "instance", None), "pk", None):
            source = self.instance
        self.languages = language_order(first_language)
        self._required_texts = {}
        names = language_names()
        new_fields = {}
        for name in list(self.fields):
            if name not in self.translated_fields:
                new_fields[name] = self.fields[name]
                continue
            original = self.fields[name]
            self._required_texts[name] = original.required
            for language in self.languages:
                field = copy.deepcopy(original)
                field.required = False
                field.widget.attrs["lang"] = language
                field.label = format_lazy("{} ({})", original.label, names[language][1])
                localized = f"{name}_{language}"
                new_fields[localized] = field
                if source is not None:
                    self.initial.setdefault(
                        localized, getattr(source, localized, None) or ""
                    )
        self.fields = new_fields

    def _single_language_posts(self, data):
        """A post with the plain name (`title`) and no language version of it
        (a script, an older page) writes the page's language; the other languages
        are then left as they are."""
        plain = [
            name
            for name in self.translated_fields
            if self.add_prefix(name) in data
            and not any(key.startswith(self.add_prefix(f"{name}_")) for key in data)
        ]
        if not plain:
            return data
        data = data.copy()
        language = translation.get_language() or settings.LANGUAGE_CODE
        language = language if language in CONTENT_LANGUAGES else CONTENT_LANGUAGES[0]
        for name in plain:
            data[self.add_prefix(f"{name}_{language}")] = data[self.add_prefix(name)]
        return data

    def language_groups(self):
        """[(code, legend in the UI language, [bound fields])] for the template."""
        names = language_names()
        return [
            (
                language,
                names[language][0],
                [self[f"{name}_{language}"] for name in self.translated_fields],
            )
            for language in self.languages
        ]

    def clean(self):
        cleaned = super().clean()
        for name, required in self._required_texts.items():
            if required and not any(
                cleaned.get(f"{name}_{language}") for language in self.languages
            ):
                self.add_error(
                    f"{name}_{self.languages[0]}",
                    _("Write this in at least one language."),
                )
        return cleaned

    def cleaned_with_languages(self):
        """cleaned_data with the language versions of language_data() only."""
        localized = {
            f"{name}_{language}"
            for name in self.translated_fields
            for language in CONTENT_LANGUAGES
        }
        data = {k: v for k, v in self.cleaned_data.items() if k not in localized}
        return {**data, **self.language_data()}

    def language_data(self):
        """The language versions that were posted; one not posted keeps its text."""
        return {
            f"{name}_{language}": self.cleaned_data.get(f"{name}_{language}") or ""
            for name in self.translated_fields
            for language in self.languages
            if self.add_prefix(f"{name}_{language}") in self.data
        }


#: The lists that describe a target group, as fields of TargetGroupForm and of
#: the models that keep one (a programme's TargetRule, an InvitationRound).
TARGET_GROUP_FIELDS = ("sectors", "role_categories", "managerial_levels")


class TargetGroupForm(forms.Form):
    """A target group: a person matches when every ticked list holds their
    value; a list left unticked says nothing. Subclasses add their own fields
    (and their `field_order`)."""

    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    role_categories = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=RoleCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    managerial_levels = forms.MultipleChoiceField(
        label=_("Managerial levels"),
        choices=ManagerialLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def has_target_group(self):
        """Whether any list was ticked (call after is_valid)."""
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in TARGET_GROUP_FIELDS)

    def target_group(self):
        """The ticked lists by field name (call after is_valid)."""
        return {name: self.cleaned_data[name] for name in TARGET_GROUP_FIELDS}
