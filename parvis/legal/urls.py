app_name = "legal"
urlpatterns: list = [
    # The agents' deadline calculator page is added here.
]
