from .views import files, organiser, participant, public, teaching

app_name = "learning"
urlpatterns = (
    participant.urlpatterns
    + teaching.urlpatterns
    + organiser.urlpatterns
    + files.urlpatterns
    + public.urlpatterns
)
