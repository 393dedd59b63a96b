"""Views by audience: `catalogue` for the pages that show seats to visitors
and participants (catalogue, programme, cohort, "My programmes"), `public` for
signing up and cancelling, `organiser_programmes` for the organiser's pages
that show or change a programme's seats, `organiser` for a cohort's
registrations, `employer` for employer contacts, `approvals` for approvers and
answers to offered seats, `calendar` for a person's feed of their sessions.
Each module keeps its own `urlpatterns`."""
