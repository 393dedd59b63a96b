from .views import calendar, organiser, public

app_name = "programmes"
urlpatterns = public.urlpatterns + organiser.urlpatterns + calendar.urlpatterns
