"""Texts of networks, their meetings and announcements that organisers write per
language."""

from modeltranslation.translator import TranslationOptions, register

from .models import Announcement, Meeting, Network


@register(Network)
class NetworkTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(Announcement)
class AnnouncementTranslationOptions(TranslationOptions):
    fields = ("title", "body")


@register(Meeting)
class MeetingTranslationOptions(TranslationOptions):
    fields = ("title", "place", "description")
