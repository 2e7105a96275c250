"""Prompt test helpers: a user cheatsheet writer and the render context the CLI builds."""

import textwrap

import pytest

VALID_PROMPT = """\
  - id: my-prompt
    title: My prompt
    description: A prompt of our own for the team's views.
    when: [external-http]
    agent: agent
    argument_hint: "view file and name"
    body: |
      Convert {{ file }} for Django {{ django }}.
    verify:
      - "django-async-kit verify {{ file }}"
    tags: [team]
"""


@pytest.fixture
def user_cheatsheet(tmp_path):
    """Write a user cheatsheet from YAML text (dedented) and return its path."""

    def write(text: str, name: str = "team-prompts.yaml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


# The project facts the CLI adds (verify/commands/prompts.py); a pytest project by default.
PROJECT_FACTS = {
    "test_command": "python -m pytest", "test_runner": "pytest", "test_runner_class": None, "pytest_asyncio": True,
    "asyncio_mode": "strict", "task_queue": None, "drf": False, "server": "uvicorn (ASGI)",
}


def render_context(version: tuple[int, int], target: str = "chat", with_view: bool = False, **facts) -> dict:
    view = {
        "name": "dashboard", "dotted": "shop.views.dashboard", "file": "shop/views.py", "line": 3,
        "source": "def dashboard(request):\n    return HttpResponse()\n", "is_async": False, "class_based": False,
    }  # fmt: skip
    triage = {"recommendation": "convert", "score": 50, "benefit": "high", "reasons": ["2 external HTTP calls"], "signals": ["external-http"]}
    return {
        "django_version": version,
        "django": f"{version[0]}.{version[1]}",
        "http_client": "httpx2",
        "verify_command": "django-async-kit verify",
        "target": target,
        "file": "shop/views.py" if with_view else "${file}",
        "view": view if with_view else None,
        "triage": triage if with_view else None,
        "findings": [],
        "findings_checked": with_view,
        **PROJECT_FACTS,
        **facts,
    }
