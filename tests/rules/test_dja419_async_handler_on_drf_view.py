"""DJA419: async handlers on Django REST framework views, which DRF calls without awaiting."""

import textwrap

from verify.api import check_paths, check_source

HEADER = '''
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response
from rest_framework.views import APIView
'''


def lines(code: str) -> list[int]:
    found = check_source(HEADER + textwrap.dedent(code), "shop/views.py", select=["DJA419"])
    return [f.line - HEADER.count("\n") for f in found]


def test_async_handlers_actions_and_api_view_functions_are_flagged():
    assert lines('''
        class OrderCount(APIView):
            async def get(self, request):
                return Response({})


        class Orders(viewsets.ModelViewSet):
            async def list(self, request):
                return Response([])

            @action(detail=True, methods=["post"])
            async def pay(self, request, pk=None):
                return Response({})


        class OrderDetail(generics.RetrieveAPIView):
            async def get(self, request, pk):
                return Response({})


        class PaidOrderCount(OrderCount):
            async def post(self, request):
                return Response({})


        @api_view(["GET"])
        async def order_total(request):
            return Response({})
    ''') == [3, 8, 12, 17, 22, 27]


def test_sync_handlers_async_helpers_adrf_views_own_async_dispatch_and_serializers_pass():
    assert lines('''
        from adrf.views import APIView as AsyncAPIView


        class OrderCount(APIView):
            def get(self, request):
                return Response({})

            async def load(self):
                return 1


        class AsyncOrderCount(AsyncAPIView):
            async def get(self, request):
                return Response({})


        class AsyncBase(APIView):
            async def dispatch(self, request, *args, **kwargs):
                return await self.handle(request)


        class Orders(AsyncBase):
            async def get(self, request):
                return Response({})


        class OrderSerializer(serializers.Serializer):
            async def create(self, validated_data):
                return validated_data


        @api_view(["GET"])
        def order_total(request):
            return Response({})
    ''') == []


def test_a_drf_base_view_of_another_module_is_followed(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    api = tmp_path / "api"
    api.mkdir()
    (api / "__init__.py").write_text("")
    (api / "base.py").write_text("from rest_framework.views import APIView\n\n\nclass ShopAPIView(APIView):\n    pass\n")
    (api / "views.py").write_text(textwrap.dedent('''
        from rest_framework.response import Response

        from api.base import ShopAPIView


        class Orders(ShopAPIView):
            async def get(self, request):
                return Response([])
    '''))
    monkeypatch.chdir(tmp_path)
    assert [f.line for f in check_paths(["api"], select=["DJA419"]).findings] == [8]
