app_name = "industry_center"
urlpatterns = []
