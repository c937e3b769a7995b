"""Investigation pages, under /investigations/; the reference is the URL key."""

from django.urls import path

from casework import views
from casework.documents import views as documents

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
    path("<str:reference>/export.zip", views.investigation_export_zip, name="investigation_export_zip"),
    # Corrections: each part of the case is corrected, withdrawn and restored, never deleted.
    path("<str:reference>/events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("<str:reference>/events/<int:event_id>/withdraw/", views.event_withdraw, name="event_withdraw"),
    path("<str:reference>/events/<int:event_id>/restore/", views.event_restore, name="event_restore"),
    path("<str:reference>/findings/<int:finding_id>/edit/", views.finding_edit, name="finding_edit"),
    path("<str:reference>/findings/<int:finding_id>/withdraw/", views.finding_withdraw, name="finding_withdraw"),
    path("<str:reference>/findings/<int:finding_id>/restore/", views.finding_restore, name="finding_restore"),
    path("<str:reference>/recommendations/<int:number>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path(
        "<str:reference>/recommendations/<int:number>/withdraw/",
        views.recommendation_withdraw,
        name="recommendation_withdraw",
    ),
    path(
        "<str:reference>/recommendations/<int:number>/restore/",
        views.recommendation_restore,
        name="recommendation_restore",
    ),
    path("<str:reference>/participants/<str:authority>/edit/", views.participant_edit, name="participant_edit"),
    path(
        "<str:reference>/participants/<str:authority>/withdraw/",
        views.participant_withdraw,
        name="participant_withdraw",
    ),
    path(
        "<str:reference>/participants/<str:authority>/restore/", views.participant_restore, name="participant_restore"
    ),
    path("<str:reference>/respondents/<int:respondent_id>/edit/", views.respondent_edit, name="respondent_edit"),
    path(
        "<str:reference>/respondents/<int:respondent_id>/withdraw/",
        views.respondent_withdraw,
        name="respondent_withdraw",
    ),
    path(
        "<str:reference>/respondents/<int:respondent_id>/restore/",
        views.respondent_restore,
        name="respondent_restore",
    ),
    # The case file's documents (casework.documents).
    path("<str:reference>/documents/add/", documents.document_add, name="document_add"),
    path("<str:reference>/documents/<int:document_id>/", documents.document_detail, name="document_detail"),
    path("<str:reference>/documents/<int:document_id>/edit/", documents.document_edit, name="document_edit"),
    path(
        "<str:reference>/documents/<int:document_id>/versions/add/",
        documents.document_version_add,
        name="document_version_add",
    ),
    path(
        "<str:reference>/documents/<int:document_id>/versions/<int:version>/download/",
        documents.document_download,
        name="document_download",
    ),
    path(
        "<str:reference>/documents/<int:document_id>/withdraw/", documents.document_withdraw, name="document_withdraw"
    ),
    path("<str:reference>/documents/<int:document_id>/restore/", documents.document_restore, name="document_restore"),
]
