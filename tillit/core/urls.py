from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
]

#: Mounted before django.conf.urls.i18n, so that the language menu's
#: {% url 'set_language' %} also keeps the choice on the person's profile.
language_urlpatterns = [
    path("i18n/setlang/", views.set_language, name="set_language"),
]
