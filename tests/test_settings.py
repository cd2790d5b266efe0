import os
import subprocess
import sys

import pytest

CHECK = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='parvis.settings'; django.setup(); print('started')"


def _start(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    clean.pop("PARVIS_DEMO", None)
    return subprocess.run(
        [sys.executable, "-c", CHECK], env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_required_settings(missing, tmp_path):
    env = {
        "PARVIS_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "mairie.example",
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "PARVIS_DATA_DIR": str(tmp_path),
    }
    del env[missing]
    result = _start(**env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_starts_with_its_settings_and_debug_off(tmp_path):
    result = _start(
        PARVIS_ENV="production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="mairie.example",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        PARVIS_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("a-secret-read-from-a-file-" + "y" * 30)
    code = CHECK.replace("print('started')", "from django.conf import settings; print(settings.SECRET_KEY)")
    env = {**os.environ, "SECRET_KEY_FILE": str(secret), "PARVIS_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().startswith("a-secret-read-from-a-file-")
