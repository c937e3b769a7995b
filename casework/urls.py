"""Investigation pages, under /investigations/; the reference is the URL key."""

from django.urls import path

from casework import views

app_name = "casework"

urlpatterns = [
    path("", views.investigation_list, name="investigation_list"),
    # Before "<str:reference>/", which would otherwise take "new" for a reference.
    path("new/", views.investigation_create, name="investigation_create"),
    path("<str:reference>/", views.investigation_detail, name="investigation_detail"),
    path("<str:reference>/edit/", views.investigation_edit, name="investigation_edit"),
    path("<str:reference>/history/", views.investigation_history, name="investigation_history"),
    path("<str:reference>/export.json", views.investigation_export, name="investigation_export"),
    path("<str:reference>/participants/add/", views.participant_add, name="participant_add"),
    path("<str:reference>/events/add/", views.event_add, name="event_add"),
    path("<str:reference>/findings/add/", views.finding_add, name="finding_add"),
    path("<str:reference>/recommendations/add/", views.recommendation_add, name="recommendation_add"),
    path(
        "<str:reference>/recommendations/<int:number>/answer/",
        views.recommendation_respond,
        name="recommendation_respond",
    ),
    path("<str:reference>/related/add/", views.link_add, name="link_add"),
    path("<str:reference>/assignees/", views.assignees_edit, name="assignees_edit"),
]
