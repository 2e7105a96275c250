"""DJA102 on ``serializer.save()`` in async code for the project's ModelSerializers (Django REST
framework's save() creates or updates the row), and the look-alikes that stay clean."""

import textwrap

from verify.api import check_paths


def test_model_serializer_save_in_async_code(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    api = tmp_path / "api"
    api.mkdir()
    (api / "__init__.py").write_text("")
    (api / "models.py").write_text(textwrap.dedent('''
        from django.db import models

        class Note(models.Model):
            text = models.TextField()
    '''))
    (api / "serializers.py").write_text(textwrap.dedent('''
        from rest_framework import serializers
        from api.models import Note

        class NoteSerializer(serializers.ModelSerializer):
            class Meta:
                model = Note
                fields = ["id", "text"]

        class PreviewSerializer(serializers.ModelSerializer):
            class Meta:
                model = Note
                fields = ["text"]

            def save(self, **kwargs):
                return Note(**self.validated_data)

        class EchoSerializer(serializers.Serializer):
            text = serializers.CharField()
    '''))
    (api / "more.py").write_text(textwrap.dedent('''
        from api import serializers

        class AdminNoteSerializer(serializers.NoteSerializer):
            pass
    '''))
    (api / "views.py").write_text(textwrap.dedent('''
        from asgiref.sync import sync_to_async
        from django.http import JsonResponse
        from api.more import AdminNoteSerializer
        from api.serializers import EchoSerializer, NoteSerializer, PreviewSerializer

        async def create(request):
            serializer = NoteSerializer(data=request.POST)
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return JsonResponse(serializer.data)

        async def create_admin(request):
            serializer = AdminNoteSerializer(data=request.POST)
            serializer.is_valid(raise_exception=True)
            note = serializer.save(text="x")
            return JsonResponse({"id": note.pk})

        async def create_offloaded(request):
            serializer = NoteSerializer(data=request.POST)
            serializer.is_valid(raise_exception=True)
            await sync_to_async(serializer.save)()
            return JsonResponse(serializer.data)

        async def preview(request):
            serializer = PreviewSerializer(data=request.POST)
            serializer.is_valid(raise_exception=True)
            return JsonResponse({"text": serializer.save().text})

        async def echo(request):
            serializer = EchoSerializer(data=request.POST)
            serializer.is_valid(raise_exception=True)
            return JsonResponse({"saved": bool(serializer.save)})

        def create_sync(request):
            serializer = NoteSerializer(data=request.POST)
            serializer.is_valid(raise_exception=True)
            serializer.save()
            return JsonResponse(serializer.data)
    '''))
    monkeypatch.chdir(tmp_path)
    found = check_paths(["api"], select=["DJA1"], cache=False).findings
    assert [(f.line, f.code) for f in found] == [(10, "DJA102"), (16, "DJA102")]
    assert "ModelSerializer" in found[0].message
