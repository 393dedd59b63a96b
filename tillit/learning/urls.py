from .views import files, participant, public, teaching

app_name = "learning"
urlpatterns = (
    participant.urlpatterns
    + teaching.urlpatterns
    + files.urlpatterns
    + public.urlpatterns
)
