"""Views by audience, for the organiser's programmes, cohorts and sessions
where no seat is shown or changed (those pages are tillit.registrations.views):
`organiser`, `self_service`, and `calendar` for a cohort's .ics file. Each
module keeps its own `urlpatterns`."""
