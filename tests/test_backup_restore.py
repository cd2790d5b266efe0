"""The backup procedure of docs/deployment.md §9, run for real on PostgreSQL (issue 11).

A database with cases, documents metadata and a journal is dumped with ``pg_dump --format=custom``,
restored with ``pg_restore`` into an empty database, and ``parvis audit verify`` passes on the copy
with the same rows. Skipped on SQLite and where the PostgreSQL client tools are missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid

import pytest
from django.db import connection

from parvis.cases.models import Case
from parvis.cases.services import submit_case
from tests.factories import published_procedure

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump and pg_restore"),
]


def _pg_env() -> tuple[dict[str, str], dict[str, str]]:
    params = connection.get_connection_params()
    env = dict(os.environ)
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    args = {
        "host": str(params.get("host") or "127.0.0.1"),
        "port": str(params.get("port") or 5432),
        "user": str(params.get("user") or "postgres"),
        "dbname": str(params.get("dbname") or params.get("database")),
    }
    return env, args


def _psql(env, args, dbname, sql) -> str:
    return subprocess.run(
        ["psql", "-h", args["host"], "-p", args["port"], "-U", args["user"], "-d", dbname, "-tAc", sql],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_a_dump_restores_into_an_empty_database_with_an_intact_journal(territory, admin_a, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: set DATABASE_URL")
    procedure = published_procedure(territory.commune_a, actor=admin_a, department=territory.department_a)
    for number in range(3):
        submit_case(
            organisation=territory.commune_a,
            procedure=procedure,
            answers={"objet": f"Copie {number}"},
            requester=None,
            requester_name="Jeanne Lefèvre",
            requester_email="jeanne@example.org",
            actor=None,
        )
    env, args = _pg_env()
    dump = tmp_path / "parvis.dump"
    subprocess.run(
        [
            "pg_dump",
            "--format=custom",
            f"--file={dump}",
            "-h",
            args["host"],
            "-p",
            args["port"],
            "-U",
            args["user"],
            args["dbname"],
        ],
        env=env,
        check=True,
    )
    restored = f"parvis_restore_{uuid.uuid4().hex[:8]}"
    _psql(env, args, "postgres", f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "-h",
                args["host"],
                "-p",
                args["port"],
                "-U",
                args["user"],
                "-d",
                restored,
                str(dump),
            ],
            env=env,
            check=True,
        )
        assert _psql(env, args, restored, "SELECT count(*) FROM cases_case") == str(Case.objects.count()) == "3"
        url = f"postgres://{args['user']}@{args['host']}:{args['port']}/{restored}"
        verify = subprocess.run(
            [sys.executable, "-m", "parvis", "audit", "verify"],
            env={**env, "DATABASE_URL": url},
            capture_output=True,
            text=True,
        )
        assert verify.returncode == 0, verify.stdout + verify.stderr
        # An altered row in the copy is caught.
        _psql(
            env,
            args,
            restored,
            "UPDATE audit_auditevent SET action = 'case.forged' WHERE id = (SELECT min(id) FROM audit_auditevent)",
        )
        tampered = subprocess.run(
            [sys.executable, "-m", "parvis", "audit", "verify"],
            env={**env, "DATABASE_URL": url},
            capture_output=True,
            text=True,
        )
        assert tampered.returncode != 0
    finally:
        _psql(env, args, "postgres", f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
