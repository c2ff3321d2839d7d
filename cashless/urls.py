from django.urls import path

from . import views

app_name = "cashless"

urlpatterns = [
    path("summary/", views.SummaryView.as_view(), name="summary"),
    path("transactions/", views.TransactionListView.as_view(), name="transaction_list"),
    path("upload/", views.UploadView.as_view(), name="upload"),
]
