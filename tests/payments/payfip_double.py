"""A local test double of the PayFiP web service (SOAP ``PaiementSecuriseService``), without network.

It sits at the HTTP transport layer eopayment uses: zeep posts its SOAP envelopes through
``requests.Session.send``; requests to ``https://www.payfip.gouv.fr/tpa/services/securite`` are
answered here. The double parses the real envelope zeep builds from PayFiP's WSDL (shipped with
eopayment) and answers real-shaped XML:

- ``creerPaiementSecurise(arg0: exer, mel, montant, numcli, objet, refdet, saisie, urlnotif, urlredirect)``
  → ``<return><idOp>…</idOp></return>``;
- ``recupererDetailPaiementSecurise(arg0: idOp)`` → ``<return>`` with ``dattrans`` (DDMMYYYY),
  ``heurtrans`` (HHMM), ``exer, idOp, mel, montant, numauto, numcli, objet, refdet, resultrans, saisie``,
  or the SOAP fault ``FonctionnelleErreur`` with code ``P5`` (not paid yet) or ``P1`` (unknown idOp).

``payer(idop, "P"|"V"|"R"|"Z"|"A")`` plays the citizen on PayFiP's pages; ``tamper(idop, montant)``
makes PayFiP state another amount.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import requests
from lxml import etree

SERVICE_URL = "https://www.payfip.gouv.fr/tpa/services/securite"
CONTRACT_NS = (
    "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/"
    "PaiementSecuriseService"
)
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _fields(element: Any) -> dict[str, str]:
    return {_local(child.tag): (child.text or "") for child in element}


@dataclass
class Operation:
    request: dict[str, str]
    idop: str
    resultrans: str = ""
    numauto: str = ""
    paid_at: dt.datetime | None = None
    montant: str = ""


@dataclass
class FakePayFiP:
    operations: dict[str, Operation] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)

    # --- what the citizen does on PayFiP's pages ---------------------------------------------

    def payer(self, idop: str, resultrans: str = "P", *, at: dt.datetime | None = None) -> None:
        operation = self.operations[idop]
        operation.resultrans = resultrans
        operation.paid_at = at or dt.datetime.now(tz=PARIS)
        operation.numauto = f"{secrets.randbelow(10**6):06d}" if resultrans in {"P", "V"} else ""

    def tamper(self, idop: str, montant: str) -> None:
        self.operations[idop].montant = montant

    def purge(self, idop: str) -> None:
        """The nightly cleaning: the idOp becomes unknown (P1)."""
        self.unknown.add(idop)

    @property
    def last(self) -> Operation:
        return list(self.operations.values())[-1]

    # --- the SOAP service --------------------------------------------------------------------

    def handle(self, body: bytes) -> tuple[int, bytes]:
        envelope = etree.fromstring(body)
        soap_body = envelope.find(f"{{{SOAP_NS}}}Body")
        assert soap_body is not None, "not a SOAP 1.1 envelope"
        operation = soap_body[0]
        name = _local(operation.tag)
        assert etree.QName(operation).namespace == CONTRACT_NS, "operation outside PayFiP's contract namespace"
        arg0 = operation.find("arg0")
        assert arg0 is not None, "PayFiP expects its parameters in <arg0>"
        data = _fields(arg0)
        self.calls.append((name, data))
        if name == "creerPaiementSecurise":
            return self._create(data)
        if name == "recupererDetailPaiementSecurise":
            return self._detail(data)
        return 500, self._fault("T1", "Opération inconnue", technical=True)

    def _create(self, data: dict[str, str]) -> tuple[int, bytes]:
        problems = []
        if not (data.get("numcli", "").isdigit() and len(data["numcli"]) == 6):
            problems.append(("R1", "numcli invalide"))
        if not data.get("montant", "").isdigit():
            problems.append(("R2", "montant invalide"))
        if not (6 <= len(data.get("refdet", "")) <= 30 and data["refdet"].isalnum()):
            problems.append(("R3", "refdet invalide"))
        if data.get("saisie") not in {"T", "X", "W"}:
            problems.append(("R4", "saisie invalide"))
        if "@" not in data.get("mel", "") or not data.get("urlnotif") or not data.get("urlredirect"):
            problems.append(("R5", "mel ou url invalide"))
        if problems:
            return 500, self._fault(*problems[0])
        idop = secrets.token_hex(18)
        self.operations[idop] = Operation(request=data, idop=idop, montant=data["montant"])
        return 200, self._envelope("creerPaiementSecuriseResponse", {"idOp": idop})

    def _detail(self, data: dict[str, str]) -> tuple[int, bytes]:
        idop = data.get("idOp", "")
        operation = self.operations.get(idop)
        if operation is None or idop in self.unknown:
            return 500, self._fault("P1", "IdOp incorrect.")
        if not operation.resultrans:
            return 500, self._fault("P5", "Résultat de la transaction non connu.")
        assert operation.paid_at is not None
        local = operation.paid_at.astimezone(PARIS)
        request = operation.request
        return 200, self._envelope(
            "recupererDetailPaiementSecuriseResponse",
            {
                "dattrans": local.strftime("%d%m%Y"),
                "exer": request["exer"],
                "heurtrans": local.strftime("%H%M"),
                "idOp": idop,
                "mel": request["mel"],
                "montant": operation.montant,
                "numauto": operation.numauto,
                "numcli": request["numcli"],
                "objet": request.get("objet", ""),
                "refdet": request["refdet"],
                "resultrans": operation.resultrans,
                "saisie": request["saisie"],
            },
        )

    @staticmethod
    def _envelope(element: str, values: dict[str, str]) -> bytes:
        inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in values.items())
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="{SOAP_NS}"><S:Body>'
            f'<ns2:{element} xmlns:ns2="{CONTRACT_NS}"><return>{inner}</return></ns2:{element}>'
            "</S:Body></S:Envelope>"
        ).encode()

    @staticmethod
    def _fault(code: str, text: str, *, technical: bool = False) -> bytes:
        kind = "TechDysfonctionnementErreur" if technical else "FonctionnelleErreur"
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="{SOAP_NS}"><S:Body><S:Fault>'
            "<faultcode>S:Server</faultcode>"
            f"<faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.{kind}</faultstring>"
            f'<detail><ns2:{kind} xmlns:ns2="{CONTRACT_NS}"><code>{code}</code>'
            f"<descriptif>{escape(text)}</descriptif><libelle>{escape(text)}</libelle><severite>2</severite>"
            f"</ns2:{kind}></detail></S:Fault></S:Body></S:Envelope>"
        ).encode()


def install(monkeypatch: Any) -> FakePayFiP:
    """Route eopayment's SOAP calls to a new double (other requests go on, to the network guard)."""
    double = FakePayFiP()
    real_send = requests.Session.send

    def send(session: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if not str(request.url).startswith(SERVICE_URL):
            return real_send(session, request, **kwargs)
        assert request.method == "POST"
        assert "text/xml" in str(request.headers.get("Content-Type", ""))
        body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
        status, content = double.handle(body)
        response = requests.Response()
        response.status_code = status
        response._content = content
        response.headers["Content-Type"] = "text/xml; charset=utf-8"
        response.url = str(request.url)
        response.request = request
        response.encoding = "utf-8"
        return response

    monkeypatch.setattr(requests.Session, "send", send)
    return double
