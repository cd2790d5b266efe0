"""Parvis benchmarks, against the production setup (see bench/README.md).

    DATABASE_URL=postgres://postgres@127.0.0.1/parvis_bench uv run python bench/run.py \
        [--duration 10] [--clients 1,10,50] [--only ceiling,queue] [--port 8100]

Starts gunicorn (one worker per core) and the task worker on the bench database with Redis,
prepares the personas' sessions, an API token and the lists of paths, then runs each scenario
with wrk at each concurrency, sampling the memory of the server processes. Every run also
measures the ceiling (a minimal view: one query, one template, same middleware), and each
scenario is reported as a ratio to it. Results go to bench/results/<date>.json and .md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
HOST = "admiville.localhost"
PARIS = ZoneInfo("Europe/Paris")


@dataclass
class Scenario:
    name: str
    label: str
    path: str = "/"
    method: str = "GET"
    persona: str = ""  # "", "citizen", "agent", "elected", "token"
    paths: list[str] = field(default_factory=list)
    body_file: str = ""
    content_type: str = ""
    idempotency: bool = False
    expect: tuple[int, ...] = (200,)


@dataclass
class Measure:
    scenario: str
    clients: int
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    http_errors: int
    socket_errors: int
    peak_rss_mb: float
    ratio_to_ceiling: float | None = None


def server_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PARVIS_ENV": "production",
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": ".localhost,127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "REDIS_URL": env.get("REDIS_URL") or "redis://127.0.0.1:6379/3",
            "PARVIS_BENCH": "1",
            "PARVIS_API_RATE": "1000000/m",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "DJANGO_SETTINGS_MODULE": "parvis.settings",
        }
    )
    return env


def prepare(workdir: Path) -> dict[str, Any]:
    """Sessions for the personas, an API token, lists of paths and a submission body (in-process)."""
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count

    from parvis.accounts.middleware import OTP_SESSION_KEY
    from parvis.accounts.models import Membership, User
    from parvis.api.services import issue_token
    from parvis.cases.models import Case, CaseDocument
    from parvis.demo.benchdata import PLACEHOLDER_PATH
    from parvis.organisations.models import Organisation
    from parvis.procedures.models import Procedure

    admiville = Organisation.objects.get(slug="admiville")
    store = import_module(settings.SESSION_ENGINE).SessionStore

    def session(user: User, *, agent: bool) -> str:
        s = store()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if agent:
            s[OTP_SESSION_KEY] = True
        s.create()
        return f"{settings.SESSION_COOKIE_NAME}={s.session_key}"

    agent = Membership.objects.get(organisation=admiville, user__email="etat-civil@admiville.fr").user
    elected = Membership.objects.get(organisation=admiville, user__email="elu@admiville.fr").user
    citizen_id = (
        Case.objects.filter(organisation=admiville, requester__isnull=False)
        .values("requester")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("requester", flat=True)
        .first()
    )
    if citizen_id is None:
        raise SystemExit("No case with an account: fill the database with `parvis bench-data` first.")
    citizen = User.objects.get(pk=citizen_id)
    visible = Case.objects.filter(organisation=admiville, department__slug="etat-civil").order_by("-pk")
    references = list(visible.values_list("reference", flat=True)[:2000])
    names = list(Case.objects.filter(organisation=admiville).values_list("requester_name", flat=True).distinct()[:300])
    rng = random.Random(5)  # noqa: S311 - benchmark inputs
    rng.shuffle(references)
    searches = [f"/backoffice/demandes/?q={name.split()[-1]}" for name in names[:200]] + [
        f"/backoffice/demandes/?q={ref}" for ref in references[:50]
    ]
    rng.shuffle(searches)
    # The submission: a published procedure of Admiville with a file field, answers from the demo generator
    # that the form engine accepts (emails filled in, optional fields it refuses left out).
    from parvis.demo.history import _answers
    from parvis.procedures import formengine

    procedure, answers, file_keys = None, {}, []
    for candidate in Procedure.objects.filter(
        organisation_id__in=admiville.lineage_ids(), published_version__isnull=False
    ).select_related("published_version"):
        version = candidate.published_version
        assert version is not None
        fields = [f for page in version.form["pages"] for f in page["fields"]]
        if not candidate.allows_anonymous or not any(f["type"] == "file" for f in fields):
            continue
        person = {"first_name": citizen.first_name, "last_name": citizen.last_name, "phone": "06 12 34 56 78"}
        answers = _answers(candidate, rng, person, admiville)
        for f in fields:
            if f["type"] == "email":
                answers[f["key"]] = citizen.email
            if f.get("required") and f["key"] not in answers and f["type"] == "checkbox":
                answers[f["key"]] = True
        _, errors = formengine.clean_answers(version, answers, user=citizen)
        for key in list(errors):
            field_def = next((f for f in fields if f["key"] == key), None)
            if field_def is not None and not field_def.get("required"):
                answers.pop(key, None)
        _, errors = formengine.clean_answers(version, answers, user=citizen)
        if not {k for k in errors if not any(f["key"] == k and f["type"] == "file" for f in fields)}:
            procedure = candidate
            file_keys = [f["key"] for f in fields if f["type"] == "file"]
            break
    assert procedure is not None, "no procedure with a file field whose answers validate"
    from django.core.files.storage import default_storage

    with default_storage.open(PLACEHOLDER_PATH, "rb") as handle:
        pdf = handle.read()
    # A 1 MB file, as in the target of issue 11: the placeholder PDF followed by a PDF comment block.
    pdf += b"\n%" + b"0" * (1024 * 1024 - len(pdf) - 2)
    boundary = "parvisbench" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n'.encode()
        + json.dumps({"procedure": procedure.slug, "answers": answers}).encode()
        + b"\r\n"
    ]
    for key in file_keys:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="justificatif.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + pdf
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    (workdir / "submission.body").write_bytes(body)
    (workdir / "cases.paths").write_text("\n".join(f"/backoffice/demandes/{r}/" for r in references) + "\n")
    (workdir / "search.paths").write_text("\n".join(searches) + "\n")
    token = issue_token(
        user=citizen, organisation=admiville, scopes=["cases:submit"], name="banc d'essai", actor=None
    ).secret
    counts = {
        "cases": Case.objects.count(),
        "open_cases": Case.objects.filter(is_open=True).count(),
        "documents": CaseDocument.objects.count(),
        "organisations": Organisation.objects.count(),
    }
    from django.db import connections

    connections.close_all()
    return {
        "agent_cookie": session(agent, agent=True),
        "elected_cookie": session(elected, agent=True),
        "citizen_cookie": session(citizen, agent=False),
        "token": token,
        "procedure": procedure.slug,
        "content_type": f"multipart/form-data; boundary={boundary}",
        "counts": counts,
    }


def scenarios(prep: dict[str, Any], workdir: Path) -> list[Scenario]:
    return [
        Scenario("ceiling", "Plafond : vue minimale (1 requête, 1 gabarit)", "/bench/plafond/"),
        Scenario("home", "Accueil du portail usager", "/"),
        Scenario("catalogue", "Catalogue des démarches", "/demarches/"),
        Scenario("form", "Page de formulaire d'une démarche", f"/demarches/{prep['procedure']}/formulaire/"),
        Scenario(
            "submission",
            "Dépôt d'une demande avec une pièce jointe de 1 Mo (API)",
            "/api/v1/cases",
            method="POST",
            persona="token",
            body_file=str(workdir / "submission.body"),
            content_type=prep["content_type"],
            idempotency=True,
            expect=(201,),
        ),
        Scenario("my_cases", "« Mes demandes » d'un usager", "/mon-espace/demandes/", persona="citizen"),
        Scenario("queue", "File des demandes d'un agent (en cours)", "/backoffice/demandes/", persona="agent"),
        Scenario(
            "queue_filtered",
            "File filtrée : en cours, non attribuées, dépôt en ligne, les plus anciennes",
            "/backoffice/demandes/?status=open&assignment=unassigned&channel=web&sort=oldest",
            persona="agent",
        ),
        Scenario(
            "queue_due",
            "File filtrée : décision due dans les 7 jours",
            "/backoffice/demandes/?status=open&deadline=due_7",
            persona="agent",
        ),
        Scenario(
            "search",
            "Recherche plein texte (nom, référence)",
            "/backoffice/demandes/",
            persona="agent",
            paths=[str(workdir / "search.paths")],
        ),
        Scenario(
            "dashboard_month",
            "Tableau de bord des élus : le mois (agrégats pré-calculés)",
            "/backoffice/statistiques/collectivite/?period=month",
            persona="elected",
        ),
        Scenario(
            "dashboard_year",
            "Tableau de bord des élus : l'année",
            "/backoffice/statistiques/collectivite/?period=year",
            persona="elected",
        ),
        Scenario(
            "case_page",
            "Page d'une demande (agent)",
            "/backoffice/demandes/",
            persona="agent",
            paths=[str(workdir / "cases.paths")],
        ),
    ]


def headers_for(scenario: Scenario, prep: dict[str, Any]) -> dict[str, str]:
    headers = {"Host": HOST}
    if scenario.persona == "agent":
        headers["Cookie"] = prep["agent_cookie"]
    elif scenario.persona == "elected":
        headers["Cookie"] = prep["elected_cookie"]
    elif scenario.persona == "citizen":
        headers["Cookie"] = prep["citizen_cookie"]
    elif scenario.persona == "token":
        headers["Authorization"] = f"Bearer {prep['token']}"
    if scenario.content_type:
        headers["Content-Type"] = scenario.content_type
    return headers


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def preflight(scenario: Scenario, prep: dict[str, Any], port: int) -> None:
    """One request by hand: a scenario that redirects (expired session...) or fails is not measured."""
    path = scenario.path
    if scenario.paths:
        path = Path(scenario.paths[0]).read_text().splitlines()[0]
    data = Path(scenario.body_file).read_bytes() if scenario.body_file else None
    headers = headers_for(scenario, prep)
    if scenario.idempotency:
        headers["Idempotency-Key"] = "preflight-" + secrets.token_hex(6)
    request = urllib.request.Request(  # noqa: S310 - loopback URL built here
        f"http://127.0.0.1:{port}{path}", data=data, headers=headers, method=scenario.method
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            status = response.status
            content = response.read()[:300]
    except urllib.error.HTTPError as error:
        status, content = error.code, error.read()[:500]
    if status not in scenario.expect:
        raise SystemExit(f"{scenario.name}: {path} answered {status}, expected {scenario.expect}: {content!r}")


def _children(pid: int) -> list[int]:
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found.extend(_children(int(entry.name)))
    return found


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for root in pids:
        for pid in _children(root):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
    return total / 1024


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for root in pids:
        for pid in _children(root):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def settle(port: int, pids: list[int], timeout: float = 120) -> float:
    """Wait until the server has served what the previous wrk run left behind; return the seconds waited.

    wrk stops at the end of its duration with one request sent on each connection: gunicorn's sync
    workers still serve them afterwards, one by one from the listen backlog (about 50 requests at
    50 clients, 6 s of work after the year's dashboard). Without this wait, the next measure's first
    request queues behind them, and wrk, which adds synthetic samples for every stalled request
    (coordinated-omission correction), reports seconds at p95 for a single client.
    """
    started = time.monotonic()
    while True:  # a request queued behind the backlog answers once every leftover has been accepted
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": HOST})  # noqa: S310
            with urllib.request.urlopen(request, timeout=timeout):  # noqa: S310
                break
        except OSError:
            if time.monotonic() - started > timeout:
                raise
            time.sleep(0.2)
    ticks = _cpu_ticks(pids)
    while time.monotonic() - started < timeout:  # then the last ones in progress, and the worker's e-mails
        time.sleep(0.5)
        now = _cpu_ticks(pids)
        if now - ticks <= 5:  # under 10 % of a core over the half second (clock ticks are 1/100 s)
            break
        ticks = now
    return time.monotonic() - started


def run_wrk(
    scenario: Scenario, prep: dict[str, Any], port: int, clients: int, duration: int, pids: list[int]
) -> Measure:
    settle(port, pids)
    env = dict(os.environ)
    headers = headers_for(scenario, prep)
    env["BENCH_METHOD"] = scenario.method
    env["BENCH_HOST"] = headers["Host"]
    for key, name in (
        ("Cookie", "BENCH_COOKIE"),
        ("Authorization", "BENCH_AUTH"),
        ("Content-Type", "BENCH_CONTENT_TYPE"),
    ):
        if key in headers:
            env[name] = headers[key]
        else:
            env.pop(name, None)
    env.pop("BENCH_PATHS_FILE", None)
    env.pop("BENCH_BODY_FILE", None)
    env.pop("BENCH_IDEMPOTENCY", None)
    if scenario.paths:
        env["BENCH_PATHS_FILE"] = scenario.paths[0]
    if scenario.body_file:
        env["BENCH_BODY_FILE"] = scenario.body_file
    if scenario.idempotency:
        env["BENCH_IDEMPOTENCY"] = "bench-" + secrets.token_hex(4)
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _rss_mb(pids))
            stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    command = [
        "wrk",
        f"-t{min(2, clients)}",
        f"-c{clients}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "-s",
        str(BENCH / "wrk.lua"),
        f"http://127.0.0.1:{port}{scenario.path}",
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout  # noqa: S603
    stop.set()
    sampler.join()
    line = next(x for x in output.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = data["duration_us"] / 1e6
    return Measure(
        scenario=scenario.name,
        clients=clients,
        requests=data["requests"],
        rps=round(data["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=round(data["p50_us"] / 1000, 1),
        p95_ms=round(data["p95_us"] / 1000, 1),
        p99_ms=round(data["p99_us"] / 1000, 1),
        http_errors=data["http_errors"],
        socket_errors=data["socket_errors"],
        peak_rss_mb=round(peak, 1),
    )


def deadline_job() -> dict[str, Any]:
    """The clock over every open case with an implicit decision to come (in-process, timed)."""
    import django

    django.setup()
    from django.db import connections

    from parvis.cases.models import Case
    from parvis.legal.enums import DeadlineState
    from parvis.legal.services import compute_for

    started = time.perf_counter()
    cases = (
        Case.objects.filter(
            is_open=True, deadline_state__in=[DeadlineState.RUNNING, DeadlineState.SUSPENDED, DeadlineState.WAITING]
        )
        .only("pk", "legal", "submitted_at", "transmitted_from_on")
        .prefetch_related("pieces_requests")
    )
    count = 0
    for case in cases.iterator(chunk_size=2000):
        compute_for(case)
        count += 1
    recompute_seconds = time.perf_counter() - started
    started = time.perf_counter()
    due = Case.objects.filter(
        is_open=True,
        deadline_state__in=[DeadlineState.RUNNING, DeadlineState.SUSPENDED],
        decision_due_on__lte=dt.datetime.now(PARIS).date(),
    ).count()
    select_seconds = time.perf_counter() - started
    connections.close_all()
    return {
        "open_cases_with_clock": count,
        "recompute_seconds": round(recompute_seconds, 2),
        "cases_per_second": round(count / recompute_seconds) if recompute_seconds else None,
        "due_today": due,
        "select_due_ms": round(select_seconds * 1000, 1),
    }


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": HOST})  # noqa: S310
            with urllib.request.urlopen(request, timeout=5):  # noqa: S310
                return
        except OSError:  # refused while starting, or timed out
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def markdown(measures: list[Measure], meta: dict[str, Any], labels: dict[str, str]) -> str:
    lines = [
        f"Run of {meta['date']} on {meta['cpus']} cores; {meta['counts']['cases']} cases "
        f"({meta['counts']['open_cases']} open); gunicorn {meta['workers']} workers; {meta['duration']} s per measure.",
        "",
        "| Scenario | Clients | req/s | p50 ms | p95 ms | p99 ms | errors | peak RSS MB | ratio to ceiling |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in measures:
        ratio = f"{m.ratio_to_ceiling:.2f}" if m.ratio_to_ceiling is not None else "—"
        lines.append(
            f"| {labels[m.scenario]} | {m.clients} | {m.rps} | {m.p50_ms} | {m.p95_ms} | {m.p99_ms} | "
            f"{m.http_errors + m.socket_errors} | {m.peak_rss_mb} | {ratio} |"
        )
    job = meta.get("deadline_job")
    if job:
        lines += [
            "",
            f"Deadline clock over {job['open_cases_with_clock']} open cases: {job['recompute_seconds']} s "
            f"({job['cases_per_second']} cases/s); selecting the {job['due_today']} cases due today: "
            f"{job['select_due_ms']} ms.",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--only", default="")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Point DATABASE_URL at the PostgreSQL database filled by `parvis bench-data`.")
    sys.path.insert(0, str(ROOT))
    env = server_env(args.port)
    os.environ.update(env)
    workdir = RESULTS / "work"
    workdir.mkdir(parents=True, exist_ok=True)
    # As in production: static files collected (manifest storage), then the server and the worker.
    subprocess.run([sys.executable, "-m", "parvis", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)  # noqa: S603
    prep = prepare(workdir)
    gunicorn = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "parvis.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    worker = subprocess.Popen([sys.executable, "-m", "parvis", "worker"], env=env, cwd=ROOT)  # noqa: S603
    measures: list[Measure] = []
    labels: dict[str, str] = {}
    try:
        wait_ready(args.port)
        clients = [int(c) for c in args.clients.split(",")]
        wanted = {name for name in args.only.split(",") if name}
        chosen = [s for s in scenarios(prep, workdir) if not wanted or s.name in wanted or s.name == "ceiling"]
        ceiling: dict[int, float] = {}
        for scenario in chosen:  # every page once, then warm every worker (caches, connections, templates)
            labels[scenario.name] = scenario.label
            preflight(scenario, prep, args.port)
            run_wrk(scenario, prep, args.port, min(clients[-1], 2 * args.workers), 2, [])
        for scenario in chosen:
            for count in clients:
                measure = run_wrk(scenario, prep, args.port, count, args.duration, [gunicorn.pid, worker.pid])
                if scenario.name == "ceiling":
                    ceiling[count] = measure.rps
                elif ceiling.get(count):
                    measure.ratio_to_ceiling = round(measure.rps / ceiling[count], 3)
                measures.append(measure)
                print(f"{scenario.name:>15} c={count:<3} {measure.rps:>8} req/s  p95 {measure.p95_ms} ms", flush=True)
    finally:
        for process in (gunicorn, worker):
            process.terminate()
        for process in (gunicorn, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    meta = {
        "date": dt.datetime.now(PARIS).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "duration": args.duration,
        "counts": prep["counts"],
        "deadline_job": deadline_job(),
    }
    stamp = dt.datetime.now(PARIS).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}.json").write_text(
        json.dumps({"meta": meta, "measures": [asdict(m) for m in measures]}, indent=2, ensure_ascii=False)
    )
    table = markdown(measures, meta, labels)
    (RESULTS / f"{stamp}.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
