from .views import organiser, public

app_name = "programmes"
urlpatterns = public.urlpatterns + organiser.urlpatterns
