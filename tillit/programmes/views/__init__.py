"""Views by audience: `public` for visitors and participants, `organiser` for
programme organisers. Each module keeps its own `urlpatterns`."""
