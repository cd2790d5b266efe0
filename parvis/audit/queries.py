"""Reading and verifying the journal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from parvis.audit.models import AuditChainHead, AuditEvent
from parvis.audit.services import compute_hash

if TYPE_CHECKING:
    from parvis.organisations.models import Organisation


@dataclass
class VerificationReport:
    chains: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_journal(batch_size: int = 5000) -> VerificationReport:
    """Recompute every hash and link; report altered, inserted or deleted rows."""
    report = VerificationReport()
    heads = {h.chain_key: h for h in AuditChainHead.objects.all()}
    chain_keys = set(heads) | set(AuditEvent.objects.values_list("chain_key", flat=True).distinct())
    for key in sorted(chain_keys):
        report.chains += 1
        expected_sequence = 1
        previous_hash = ""
        while True:
            rows = list(
                AuditEvent.objects.filter(chain_key=key, sequence__gte=expected_sequence).order_by("sequence")[
                    :batch_size
                ]
            )
            if not rows:
                break
            for event in rows:
                report.events += 1
                if event.sequence != expected_sequence:
                    report.problems.append(
                        f"chaîne {key} : événement(s) {expected_sequence} à {event.sequence - 1} supprimé(s)"
                    )
                if event.previous_hash != previous_hash:
                    report.problems.append(
                        f"chaîne {key} : lien rompu avant l'événement {event.sequence} (id {event.pk})"
                    )
                if compute_hash(event) != event.hash:
                    report.problems.append(f"chaîne {key} : événement {event.sequence} (id {event.pk}) modifié")
                expected_sequence = event.sequence + 1
                previous_hash = event.hash
        head = heads.get(key)
        if head is None:
            report.problems.append(f"chaîne {key} : tête de chaîne absente")
        elif head.last_sequence != expected_sequence - 1 or head.last_hash != previous_hash:
            report.problems.append(
                f"chaîne {key} : la tête indique {head.last_sequence} événements, "
                f"{expected_sequence - 1} trouvés (derniers événements supprimés ?)"
            )
    return report


def journal_for_organisation(organisation: Organisation, *, action: str = "") -> QuerySet[AuditEvent]:
    """The journal rows of one organisation (never another's), newest first."""
    events = AuditEvent.objects.filter(organisation=organisation).select_related("actor").order_by("-created_at", "-pk")
    if action:
        events = events.filter(action__startswith=action)
    return events
