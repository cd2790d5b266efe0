# Provisional views, replaced by the accounts work in progress (registration, lockout, TOTP).
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def login_view(request: HttpRequest) -> HttpResponse:
    return render(request, "base_citizen.html")


def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("organisations:home")


def register(request: HttpRequest) -> HttpResponse:
    return render(request, "base_citizen.html")


def landing(request: HttpRequest) -> HttpResponse:
    return redirect("organisations:home")


def otp_verify(request: HttpRequest) -> HttpResponse:
    return render(request, "base_citizen.html")


def space(request: HttpRequest) -> HttpResponse:
    return render(request, "base_citizen.html")
