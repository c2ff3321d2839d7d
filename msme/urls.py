from django.urls import path

from . import views

app_name = "msme"

urlpatterns = [
    path("registry/", views.MsmeListView.as_view(), name="msme_list"),
    path("new-msme/", views.MsmeCreateView.as_view(), name="msme_add"),
    path("registry/<int:pk>/", views.MsmeDetailView.as_view(), name="msme_detail"),
    path("registry/<int:pk>/edit/", views.MsmeUpdateView.as_view(), name="msme_edit"),
    path("report/by-district/", views.DistrictReportView.as_view(), name="report_by_district"),
    path("listings/", views.ListingListView.as_view(), name="listing_list"),
    path("listings/add/", views.ListingCreateView.as_view(), name="listing_add"),
    path("listings/<int:pk>/", views.ListingDetailView.as_view(), name="listing_detail"),
    path("listings/<int:pk>/edit/", views.ListingUpdateView.as_view(), name="listing_edit"),
    path("trainings/", views.TrainingListView.as_view(), name="training_list"),
    path("trainings/add/", views.TrainingCreateView.as_view(), name="training_add"),
    path("trainings/<int:pk>/", views.TrainingDetailView.as_view(), name="training_detail"),
    path("trainings/<int:pk>/edit/", views.TrainingUpdateView.as_view(), name="training_edit"),
    path("trainings/<int:pk>/apply/", views.TrainingApplyView.as_view(), name="training_apply"),
    path("trainings/<int:pk>/selection/", views.TrainingSelectionView.as_view(), name="training_selection"),
    path(
        "trainings/<int:pk>/participants/<int:participant_pk>/",
        views.ParticipantActionView.as_view(),
        name="participant_action",
    ),
    path("outlet/products/", views.OutletProductListView.as_view(), name="outlet_product_list"),
    path("outlet/products/add/", views.OutletProductCreateView.as_view(), name="outlet_product_add"),
    path("outlet/products/<int:pk>/", views.OutletProductDetailView.as_view(), name="outlet_product_detail"),
    path("outlet/products/<int:pk>/movements/", views.OutletMovementCreateView.as_view(), name="outlet_movement_add"),
    path("outlet/payouts/", views.OutletPayoutListView.as_view(), name="outlet_payout_list"),
    path("outlet/payouts/add/", views.OutletPayoutCreateView.as_view(), name="outlet_payout_add"),
]
