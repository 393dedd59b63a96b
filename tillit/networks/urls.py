from django.urls import path

from . import views

app_name = "networks"

inner = "networks/<slug:slug>"

urlpatterns = [
    path("networks/", views.network_list, name="network-list"),
    path("networks/mine/", views.my_networks, name="my-networks"),
    path("networks/new/", views.network_create, name="network-create"),
    path(
        "networks/invitations/<int:pk>/accept/",
        views.invitation_accept,
        name="invitation-accept",
    ),
    path(
        "networks/invitations/<int:pk>/decline/",
        views.invitation_decline,
        name="invitation-decline",
    ),
    path(
        "networks/applications/<int:pk>/withdraw/",
        views.application_withdraw,
        name="application-withdraw",
    ),
    path(f"{inner}/", views.network_public, name="network-public"),
    path(f"{inner}/apply/", views.network_apply, name="network-apply"),
    path(f"{inner}/home/", views.network_home, name="network-home"),
    path(f"{inner}/members/", views.network_members, name="network-members"),
    path(
        f"{inner}/announcements/",
        views.network_announcements,
        name="network-announcements",
    ),
    path(
        f"{inner}/announcements/<int:pk>/delete/",
        views.announcement_delete,
        name="announcement-delete",
    ),
    path(f"{inner}/meetings/", views.network_meetings, name="network-meetings"),
    path(f"{inner}/meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path(
        f"{inner}/meetings/<int:pk>/delete/",
        views.meeting_delete,
        name="meeting-delete",
    ),
    path(f"{inner}/calendar.ics", views.network_ics, name="network-ics"),
    path(f"{inner}/files/", views.network_files, name="network-files"),
    path(f"{inner}/files/<int:pk>/", views.file_download, name="network-file"),
    path(f"{inner}/files/<int:pk>/delete/", views.file_delete, name="file-delete"),
    path(f"{inner}/leave/", views.network_leave, name="network-leave"),
    path(f"{inner}/manage/", views.network_manage, name="network-manage"),
    path(f"{inner}/manage/invite/", views.network_invite, name="network-invite"),
    path(f"{inner}/manage/settings/", views.network_settings, name="network-settings"),
    path(
        f"{inner}/manage/members/<int:pk>/approve/",
        views.member_approve,
        name="member-approve",
    ),
    path(
        f"{inner}/manage/members/<int:pk>/refuse/",
        views.member_refuse,
        name="member-refuse",
    ),
    path(
        f"{inner}/manage/members/<int:pk>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path(
        f"{inner}/manage/members/<int:pk>/role/",
        views.member_role,
        name="member-role",
    ),
]
