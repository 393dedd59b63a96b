from .views import approvals, employer, organiser, public

app_name = "registrations"
urlpatterns = (
    public.urlpatterns
    + organiser.urlpatterns
    + employer.urlpatterns
    + approvals.urlpatterns
)
