from .views import (
    approvals,
    calendar,
    catalogue,
    employer,
    organiser,
    organiser_programmes,
    public,
)

app_name = "registrations"
urlpatterns = (
    catalogue.urlpatterns
    + public.urlpatterns
    + organiser_programmes.urlpatterns
    + organiser.urlpatterns
    + employer.urlpatterns
    + approvals.urlpatterns
    + calendar.urlpatterns
)
