"""The tutorial's "after" version of user_dashboard (Step 4), as published (httpx is now httpx2).

What is wrong: ``request.user`` loads the user with a sync query (SynchronousOnlyOperation for a
logged-in session), and ``user.aprofile`` does not exist in any Django version: there is no async
accessor for a relation. Also: no login check, no error handling for the two API calls.
"""

import asyncio

import httpx2
from django.conf import settings
from django.http import JsonResponse


async def user_dashboard(request):
    user = request.user  # expect: DJA107 request.user in an async view (use await request.auser())
    profile = await user.aprofile  # expect: DJA105 aprofile does not exist: no async relation accessor

    async with httpx2.AsyncClient() as client:
        stripe_task = client.get(
            f"https://api.stripe.com/customers/{profile.stripe_id}",
            headers={"Authorization": f"Bearer {settings.STRIPE_KEY}"},
        )
        analytics_task = client.get(f"https://analytics.example.com/user/{user.id}")

        responses = await asyncio.gather(stripe_task, analytics_task)
        stripe_data = responses[0].json()
        analytics_data = responses[1].json()

    return JsonResponse({"billing": stripe_data, "analytics": analytics_data})
