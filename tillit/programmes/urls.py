from .views import calendar, organiser, public, self_service

app_name = "programmes"
urlpatterns = (
    public.urlpatterns
    + organiser.urlpatterns
    + self_service.urlpatterns
    + calendar.urlpatterns
)
