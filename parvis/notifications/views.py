# Provisional, replaced by the outbox work in progress.
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from parvis.accounts.access import agent_required


@agent_required()
def outbox(request: HttpRequest) -> HttpResponse:
    return render(request, "base_backoffice.html")
