"""URLs of the local provider, mounted under ``/fc-demo/api/v2/`` (FranceConnect v2 paths).

The back-channel endpoints (token, userinfo), authenticated by the client secret or the access
token and never visited by a browser, sit in their own namespace ``fc_demo_api``.
"""

from django.urls import include, path

from parvis.franceconnect.provider import views

app_name = "fc_demo"

api_patterns = (
    [
        path("token", views.token, name="token"),
        path("userinfo", views.userinfo, name="userinfo"),
    ],
    "fc_demo_api",
)

urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="discovery"),
    path("jwks", views.jwks, name="jwks"),
    path("authorize", views.authorize, name="authorize"),
    path("session/end", views.session_end, name="session_end"),
    path("", include(api_patterns)),
]
