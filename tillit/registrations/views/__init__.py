"""Views by audience: `public` for visitors and participants, `organiser` for
programme organisers, `employer` for employer contacts, `approvals` for
approvers and answers to offered seats. Each module keeps its own
`urlpatterns`."""
