from __future__ import annotations

from parvis.organisations.models import Organisation
from parvis.privacy.models import ErasureRequest

LIST_LIMIT = 200


def erasure_requests(organisation: Organisation) -> list[ErasureRequest]:
    return list(ErasureRequest.objects.filter(organisation=organisation).select_related("answered_by")[:LIST_LIMIT])
