"""Real git repositories in temporary folders, and the verifier run on them as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

MAIN = Path(__file__).resolve().parents[2]

URLS = '''
from django.urls import path

from . import views

urlpatterns = [
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
]
'''

MODELS = '''
from django.conf import settings
from django.db import models


class Order(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    total = models.DecimalField(max_digits=10, decimal_places=2)
'''


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def findings(self) -> list[dict]:
        return json.loads(self.stdout)["findings"]

    def codes(self, prefix: str = "DJA5") -> list[str]:
        return [finding["code"] for finding in self.findings if finding["code"].startswith(prefix)]

    def only(self, code: str) -> dict:
        """The one finding of the run, which must have this code."""
        assert [finding["code"] for finding in self.findings] == [code], self.findings
        return self.findings[0]


class Repo:
    def __init__(self, path: Path):
        self.path = path

    def git(self, *args: str) -> str:
        result = subprocess.run(["git", *args], cwd=self.path, capture_output=True, text=True, check=True)
        return result.stdout

    def write(self, relative: str, text: str) -> Path:
        file = self.path / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return file

    def commit(self, message: str = "sync views") -> str:
        self.git("add", "--all")
        self.git("commit", "--quiet", "--message", message)
        return self.git("rev-parse", "HEAD").strip()

    def verify(self, *args: str, cwd: Path | None = None) -> Result:
        """The command line, in a subprocess: exit codes, messages and output as a user sees them."""
        return run_verify(*args, cwd=cwd or self.path)

    def check_changed(self, select: str = "DJA5", base: str = "HEAD") -> Result:
        """``verify --changed`` in this process (same code path below the command line, ten times faster)."""
        from verify.compare.run import check_changed

        report = check_changed(base, start=self.path, select=select.split(","), use_config=False)
        findings = [finding.as_dict() for finding in report.findings]
        return Result(1 if findings else 0, json.dumps({"findings": findings}), "")


def run_verify(*args: str, cwd: Path, output_format: str = "json") -> Result:
    """``python -m verify ARGS --format json`` in ``cwd``, with this checkout's ``verify`` package."""
    env = {**os.environ, "PYTHONPATH": str(MAIN)}
    result = subprocess.run([sys.executable, "-m", "verify", *args, "--format", output_format, "--no-config"],
                            cwd=cwd, capture_output=True, text=True, env=env, timeout=60)
    return Result(result.returncode, result.stdout, result.stderr)


def convert(repo: Repo, sync: str, converted: str, *args: str) -> Result:
    """Commit ``sync`` as shop/views.py, write ``converted`` over it, run ``verify --changed`` (the CLI)."""
    repo.write("shop/views.py", sync)
    repo.commit()
    repo.write("shop/views.py", converted)
    return repo.verify("--changed", *args)


def regressions(repo: Repo, sync: str, converted: str) -> Result:
    """Like ``convert``, in process and for the DJA5xx rules only."""
    repo.write("shop/views.py", sync)
    repo.commit()
    repo.write("shop/views.py", converted)
    return repo.check_changed()
