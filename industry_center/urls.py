from django.urls import path

from . import views

app_name = "industry_center"

urlpatterns = [
    path("houses/", views.ProductionHouseListView.as_view(), name="house_list"),
    path("houses/add/", views.ProductionHouseCreateView.as_view(), name="house_add"),
    path("houses/<int:pk>/", views.ProductionHouseDetailView.as_view(), name="house_detail"),
    path("houses/<int:pk>/edit/", views.ProductionHouseUpdateView.as_view(), name="house_edit"),
    path("tenants/", views.TenantListView.as_view(), name="tenant_list"),
    path("tenants/add/", views.TenantCreateView.as_view(), name="tenant_add"),
    path("tenants/<int:pk>/", views.TenantDetailView.as_view(), name="tenant_detail"),
    path("tenants/<int:pk>/edit/", views.TenantUpdateView.as_view(), name="tenant_edit"),
    path("tenancies/", views.TenancyListView.as_view(), name="tenancy_list"),
    path("tenancies/add/", views.TenancyCreateView.as_view(), name="tenancy_add"),
    path("tenancies/<int:pk>/edit/", views.TenancyUpdateView.as_view(), name="tenancy_edit"),
    path("bills/", views.LevyBillListView.as_view(), name="bill_list"),
    path("bills/issue/", views.LevyBillIssueMonthView.as_view(), name="bill_issue_month"),
    path("bills/<int:pk>/", views.LevyBillDetailView.as_view(), name="bill_detail"),
    path("bills/<int:pk>/print/", views.LevyBillPrintView.as_view(), name="bill_print"),
    path("bills/<int:pk>/payments/add/", views.PaymentCreateView.as_view(), name="payment_add"),
    path("bills/<int:pk>/arrears/", views.LevyBillArrearsView.as_view(), name="bill_arrears"),
    path("bills/<int:pk>/cancel/", views.LevyBillCancelView.as_view(), name="bill_cancel"),
    path("payments/", views.PaymentListView.as_view(), name="payment_list"),
    path("reconciliation/", views.SettlementRowListView.as_view(), name="settlement_list"),
    path("reconciliation/<int:pk>/", views.SettlementRowDetailView.as_view(), name="settlement_detail"),
    path("reconciliation/<int:pk>/resolve/", views.SettlementRowResolveView.as_view(), name="settlement_resolve"),
    path("reconciliation/<int:pk>/set-aside/", views.SettlementRowSetAsideView.as_view(), name="settlement_set_aside"),
]
