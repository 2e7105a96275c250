"""The plugin patches process-wide state for the session; uninstalling puts all of it back."""

import time

from django.core.exceptions import SynchronousOnlyOperation
from django.core.handlers.base import BaseHandler

from verify.runtime.detector import Detector
from verify.runtime.django_hooks import ViewHook
from verify.runtime.project_code import ProjectCode


def test_uninstall_restores_everything_it_patched(tmp_path):
    before = (time.sleep, BaseHandler.make_view_atomic, vars(SynchronousOnlyOperation).get("__init__"))
    detector, view_hook = Detector(ProjectCode([tmp_path], [])), ViewHook()
    detector.install()
    view_hook.install()
    assert time.sleep is not before[0]
    assert BaseHandler.make_view_atomic is not before[1]

    view_hook.uninstall()
    detector.uninstall()

    after = (time.sleep, BaseHandler.make_view_atomic, vars(SynchronousOnlyOperation).get("__init__"))
    assert after == before
