"""Claims in the rule docs, the instructions and the cheatsheet, checked against the Django and
asgiref installed with the kit (issue 19: "the tests prove each claim")."""

from __future__ import annotations

import inspect
import re

import pytest

from verify.analysis import django_api
from verify.assist.cheatsheet import load
from verify.analysis.registry import get_rule
from tests.prompts.conftest import render_context

_CODE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def use_instead(code: str) -> str:
    return _CODE.search(get_rule(code).section("Use instead")).group(1)


def test_dja102_names_the_sync_methods_without_an_async_twin():
    from django import forms
    from django.db import models
    from django.db.models.query import QuerySet

    assert not hasattr(models.Model, "afull_clean")
    assert not hasattr(forms.ModelForm, "asave") and not hasattr(forms.ModelForm, "ais_valid")
    assert inspect.isasyncgenfunction(QuerySet.aiterator)  # iterated with async for, never awaited
    assert django_api.USER_ASYNC["ahas_perm"][1] == (5, 2)
    doc = get_rule("DJA102").section("Why is this bad?")
    assert "Every one of these has" not in doc
    for name in ("full_clean()", "`save()`", "`is_valid()`", "`has_perm()`", "Django 5.2", "`aiterator()` is not awaited"):
        assert name in doc


def test_dja601_fix_imports_markcoroutinefunction_from_asgiref_as_djangos_docs_do():
    from asgiref import sync

    code = use_instead("DJA601")
    assert "from asgiref.sync import iscoroutinefunction, markcoroutinefunction" in code
    assert "from inspect import" not in code  # inspect.markcoroutinefunction needs Python 3.12
    assert callable(sync.markcoroutinefunction) and callable(sync.iscoroutinefunction)


def test_method_decorator_on_async_handlers_is_dated_5_2_where_the_fixes_use_it():
    from django.contrib.auth.decorators import login_required
    from django.utils.decorators import method_decorator
    from django.views import View

    class Orders(View):  # the installed Django (5.2+) keeps an async method async
        async def get(self, request):
            return None

    method_decorator(login_required, name="get")(Orders)
    assert inspect.iscoroutinefunction(Orders.get)
    assert "Django 5.2" in use_instead("DJA408")
    assert "from Django 5.2 only" in get_rule("DJA502").section("What it does")


def test_dja107_fix_says_auser_needs_django_5_0():
    assert django_api.REQUEST_AUSER == (5, 0)
    assert "`request.auser()` needs Django 5.0" in get_rule("DJA107").section("Use instead")


def test_dja401_and_dja405_state_what_asgiref_really_does():
    from concurrent.futures import ThreadPoolExecutor

    dja401 = get_rule("DJA401").section("Why is this bad?")
    assert "recent asgiref releases" in dja401 and "older ones silently run" in dja401
    dja405 = get_rule("DJA405").section("Why is this bad?")
    assert "refuses" not in dja405 and "min(32, CPUs + 4)" in dja405
    # The default executor's cap, as Python computes it.
    assert ThreadPoolExecutor()._max_workers <= 32


def test_keyword_only_arguments_are_said_of_save_not_of_refresh_or_delete():
    from django.db.models import Model

    def keyword_only(method) -> bool:
        parameters = list(inspect.signature(method).parameters.values())[1:]
        return all(p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for p in parameters)

    assert keyword_only(Model.asave) and keyword_only(Model.save)
    assert not keyword_only(Model.arefresh_from_db) and not keyword_only(Model.adelete)
    text = load().render("convert-simple-view", render_context((6, 1)))
    assert "`save()` / `asave()` take keyword arguments only" in text
    assert "arefresh_from_db()` (keyword arguments only)" not in text


@pytest.mark.parametrize("test_runner", ["pytest", "django"])
def test_the_tests_prompt_follows_the_detected_runner(test_runner):
    command = "python manage.py test" if test_runner == "django" else "python -m pytest"
    text = load().render("write-async-tests", render_context((6, 1), test_runner=test_runner, asyncio_mode="auto", test_command=command))
    if test_runner == "django":
        assert "`self.async_client`" in text and "pytest." not in text and "python -m pytest" not in text
    else:
        assert "auto mode" in text and "`@pytest.mark.asyncio`" not in text and "`async_client` fixture" in text
