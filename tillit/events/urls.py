from .views import organiser, public

app_name = "events"
urlpatterns = public.urlpatterns + organiser.urlpatterns
