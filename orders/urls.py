"""Order pages. Included at the site's root (not under /orders/) because three of them live
elsewhere but belong to this namespace: drafting from an investigation
(/investigations/<reference>/orders/new/), /notifications/ and /accounts/preferences/.

An order's URL key is its authority's code and its number (unique per authority).
"""

from django.urls import include, path

from orders import views
from orders.api import token_views
from orders.clocks import views as clock_views
from orders.dashboard import views as dashboard_views
from orders.documents import views as document_views
from orders.exports import views as export_views
from orders.operations import views as operations_views

app_name = "orders"

# Under /orders/<authority>/<number>/.
order_patterns = [
    path("", views.order_detail, name="detail"),
    path("edit/", views.order_edit, name="edit"),
    path("terms/add/", views.term_add, name="term_add"),
    path("issue/", views.order_issue, name="issue"),
    path("service/", views.order_record_service, name="record_service"),
    path("status/", views.order_set_status, name="set_status"),
    path("revise/", views.order_revise, name="revise"),
    path("terms/<int:term>/stay/", views.deadline_stay, name="deadline_stay"),
    path("terms/<int:term>/lift/", views.deadline_lift, name="deadline_lift"),
    path("terms/<int:term>/extend/", views.deadline_extend, name="deadline_extend"),
    path("terms/<int:term>/close/", views.deadline_close, name="deadline_close"),
    path("submissions/add/", views.submission_add, name="submission_add"),
    path("submissions/<int:pk>/assess/", views.submission_assess, name="submission_assess"),
    path("proceedings/add/", views.proceeding_add, name="proceeding_add"),
    path("proceedings/<int:pk>/stay/", views.proceeding_stay, name="proceeding_stay"),
    path("proceedings/<int:pk>/decide/", views.proceeding_decide, name="proceeding_decide"),
    path("history/", views.order_history, name="history"),
    path("documents/render/", document_views.document_render, name="document_render"),
    path("documents/<int:pk>/", document_views.document_status, name="document_status"),
    path("documents/<int:pk>/download/", document_views.document_download, name="document_download"),
]

urlpatterns = [
    path("orders/", views.order_list, name="list"),
    # Before "<authority>/<number>/", which would otherwise take "deadlines/mine/" for an order.
    path("orders/deadlines/mine/", views.my_deadlines, name="my_deadlines"),
    path("orders/deadlines/", dashboard_views.deadline_list, name="deadline_list"),
    # Exports (orders.exports.views), also before "<authority>/<number>/" ("exports/12/" is no order).
    path("orders/export.csv", export_views.orders_csv, name="orders_csv"),
    path("orders/deadlines.csv", export_views.deadlines_csv, name="deadlines_csv"),
    path("orders/exports/", export_views.export_list, name="export_list"),
    path("orders/exports/new/", export_views.export_new, name="export_new"),
    path("orders/exports/<int:pk>/", export_views.export_detail, name="export_detail"),
    path("orders/exports/<int:pk>/status.json", export_views.export_status, name="export_status"),
    path("orders/exports/<int:pk>/download/", export_views.export_download, name="export_download"),
    path("orders/<str:authority>/<str:number>/", include(order_patterns)),
    path("investigations/<str:reference>/orders/new/", views.order_draft, name="draft"),
    # Statutory clocks (orders.clocks): actions of the investigation page.
    path("investigations/<str:reference>/clocks/new/", clock_views.clock_start, name="clock_start"),
    path("investigations/<str:reference>/clocks/<int:pk>/stay/", clock_views.clock_stay, name="clock_stay"),
    path("investigations/<str:reference>/clocks/<int:pk>/lift/", clock_views.clock_lift, name="clock_lift"),
    path("investigations/<str:reference>/clocks/<int:pk>/extend/", clock_views.clock_extend, name="clock_extend"),
    path("investigations/<str:reference>/clocks/<int:pk>/close/", clock_views.clock_close, name="clock_close"),
    # The statutory clocks the dashboard counts (its clock figures link here).
    path("clocks/", clock_views.clock_list, name="clock_list"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("accounts/api-token/", token_views.api_token, name="api_token"),
    path("accounts/preferences/calendar/reset/", export_views.calendar_reset, name="calendar_reset"),
    # No sign-in: calendar programs cannot; the secret in the address is the credential.
    path("calendar/<str:token>.ics", export_views.calendar_feed, name="calendar_feed"),
    path("dashboard/", dashboard_views.dashboard_view, name="dashboard"),
    # What the background work owes (administrators): e-mails, PDFs, bundles, workers.
    path("operations/", operations_views.operations, name="operations"),
    path("operations/retry-emails/", operations_views.operations_retry_emails, name="operations_retry_emails"),
]
