"""The recourse route and delay of a case, read from the settings frozen in ``Case.legal``.

Every notice that states the délais et voies de recours (the accusé de réception of a silence-vaut-
rejet demande, the decision letter, the notice of an implicit rejection) and ``Case.recourse_until``
are built from :class:`RecourseRule`, never from free text: a wrong mention makes the recourse
delays inopposable (CJA R421-5).

Keys of ``Case.legal`` (frozen by ``parvis.legal.services.legal_settings``):

- ``recourse_period`` / ``recourse_unit``: the delay (2 ``months`` by default, CJA R421-1 and
  R421-2; ``days`` for special texts such as Code électoral L18 III: five days);
- ``recourse_mandatory_preliminary``: a recours administratif préalable obligatoire (RAPO) must come
  before any contentious recourse; ``recourse_preliminary_to``: the body it is addressed to;
- ``recourse_court_kind``: ``administrative`` (tribunal administratif, Télérecours citoyens) or
  ``judicial`` (tribunal judiciaire); ``administrative_court``: the court's name and address.

Cases frozen before these keys existed lack them: they get the general rule they were promised
(two months, no RAPO, administrative court).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from parvis.legal.deadlines import recourse_deadline
from parvis.legal.enums import CourtKind, RecourseUnit

DEFAULT_PERIOD = 2
DEFAULT_UNIT = RecourseUnit.MONTHS
NUMBER_WORDS = {
    1: "un",
    2: "deux",
    3: "trois",
    4: "quatre",
    5: "cinq",
    6: "six",
    7: "sept",
    8: "huit",
    9: "neuf",
    10: "dix",
    15: "quinze",
    30: "trente",
}


@dataclass(frozen=True)
class RecourseRule:
    period: int
    unit: str
    mandatory_preliminary: bool
    preliminary_to: str
    court_kind: str
    court_name: str

    @classmethod
    def from_legal(cls, legal: dict[str, Any] | None) -> RecourseRule:
        legal = legal or {}
        unit = str(legal.get("recourse_unit") or DEFAULT_UNIT)
        kind = str(legal.get("recourse_court_kind") or CourtKind.ADMINISTRATIVE)
        return cls(
            period=int(legal.get("recourse_period") or DEFAULT_PERIOD),
            unit=unit,
            mandatory_preliminary=bool(legal.get("recourse_mandatory_preliminary")),
            preliminary_to=str(legal.get("recourse_preliminary_to") or "").strip(),
            court_kind=kind,
            court_name=str(legal.get("administrative_court") or "").strip(),
        )

    @property
    def administrative(self) -> bool:
        return self.court_kind != CourtKind.JUDICIAL

    @property
    def is_general(self) -> bool:
        """The general rule of the CJA: two months, no RAPO, the administrative court."""
        return (
            self.period == DEFAULT_PERIOD
            and self.unit == DEFAULT_UNIT
            and not self.mandatory_preliminary
            and self.administrative
        )

    def delay_words(self) -> str:
        """« deux mois », « cinq jours », « 45 jours »."""
        number = NUMBER_WORDS.get(self.period, str(self.period))
        if self.unit == RecourseUnit.MONTHS:
            return f"{number} mois"
        return f"{number} jour{'s' if self.period > 1 else ''}"

    def court(self) -> str:
        """« le tribunal administratif de Lyon… », or the generic court of its order when none is named."""
        name = self.court_name
        if not name:
            return (
                "le tribunal administratif territorialement compétent"
                if self.administrative
                else "le tribunal judiciaire territorialement compétent"
            )
        lowered = name[:1].lower() + name[1:]
        return f"le {lowered}" if lowered.startswith("tribunal") else name

    def last_day(self, notified: dt.date, calendar: str) -> dt.date:
        """``Case.recourse_until``: the last day to file (the RAPO when there is one), franc, rolled forward."""
        return recourse_deadline(notified, period=self.period, unit=self.unit, calendar=calendar or "FR").last_day


def recourse_until(legal: dict[str, Any] | None, notified: dt.date) -> dt.date:
    return RecourseRule.from_legal(legal).last_day(notified, str((legal or {}).get("calendar") or "FR"))
