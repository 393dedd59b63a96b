from .views import calendar, organiser, self_service

app_name = "programmes"
urlpatterns = organiser.urlpatterns + self_service.urlpatterns + calendar.urlpatterns
