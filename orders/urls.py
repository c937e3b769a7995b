"""Order pages. Included at the site's root (not under /orders/) because three of them live
elsewhere but belong to this namespace: drafting from an investigation
(/investigations/<reference>/orders/new/), /notifications/ and /accounts/preferences/.

An order's URL key is its authority's code and its number (unique per authority).
"""

from django.urls import include, path

from orders import views

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
]

urlpatterns = [
    path("orders/", views.order_list, name="list"),
    # Before "<authority>/<number>/", which would otherwise take "deadlines/mine/" for an order.
    path("orders/deadlines/mine/", views.my_deadlines, name="my_deadlines"),
    path("orders/<str:authority>/<str:number>/", include(order_patterns)),
    path("investigations/<str:reference>/orders/new/", views.order_draft, name="draft"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("accounts/preferences/", views.preferences, name="preferences"),
]
