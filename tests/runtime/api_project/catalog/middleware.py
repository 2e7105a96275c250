import logging

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

logger = logging.getLogger("catalog.requests")


class RequestLogMiddleware:
    """Logs every request, sync or async, as access-log middleware does."""

    async_capable = True
    sync_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self._acall(request)
        response = self.get_response(request)
        logger.info("%s %s %s", request.method, request.path, response.status_code)
        return response

    async def _acall(self, request):
        response = await self.get_response(request)
        logger.info("%s %s %s", request.method, request.path, response.status_code)
        return response
