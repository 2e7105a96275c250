"""Blocking I/O inside async views: nothing raises, the whole event loop just stops.

No SynchronousOnlyOperation here: these calls never touch the database, so Django does not
notice. Every other request served by this process waits while they run.
"""

import subprocess
import time

import httpx2
from django.http import JsonResponse


async def exchange_rate(request):
    response = httpx2.get("https://rates.example.com/eur")  # expect: DJA301 sync HTTP call blocks the event loop
    return JsonResponse(response.json())


async def slow_report(request):
    time.sleep(0.5)  # expect: DJA302 time.sleep blocks the event loop (use asyncio.sleep)
    with open("/var/log/shop/report.txt") as report:  # expect: DJA303 sync file I/O blocks the event loop
        lines = report.readlines()  # expect: DJA303 reading the file blocks the event loop too
    return JsonResponse({"lines": len(lines)})


async def disk_usage(request):
    output = subprocess.run(["df", "-h"], capture_output=True, text=True).stdout  # expect: DJA304 subprocess blocks the event loop
    return JsonResponse({"df": output})
