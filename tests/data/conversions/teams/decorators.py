"""The project's own access decorators, written for sync views."""

from functools import wraps

from django.core.exceptions import PermissionDenied


def team_owner_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.owned_teams.exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    """Rewritten for async views by the assistant (see views_buggy / views_correct)."""

    @wraps(view)
    async def wrapper(request, *args, **kwargs):
        user = await request.auser()
        if not user.is_staff:
            raise PermissionDenied
        return await view(request, *args, **kwargs)

    return wrapper
