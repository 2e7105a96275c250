"""Calendar integration helpers."""
import time

import httpx2
from django.conf import settings

from .models import Booking


def push_to_calendar(token, booking_payload):
    for attempt in range(3):
        resp = httpx2.post(settings.CALENDAR_API, json=booking_payload, headers={"Authorization": f"Bearer {token}"})
        if resp.status_code < 500:
            return resp.json()
        time.sleep(2**attempt)
    return None


def booking_payload(booking):
    return {
        "room": booking.room.name,
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
    }


def busy_slots(room_id, day):
    return [(b.start, b.end) for b in Booking.objects.filter(room_id=room_id, start__date=day)]


def to_ical(booking_rows):
    lines = ["BEGIN:VCALENDAR"]
    for start, end, room in booking_rows:
        lines += ["BEGIN:VEVENT", f"DTSTART:{start:%Y%m%dT%H%M%S}", f"DTEND:{end:%Y%m%dT%H%M%S}", f"SUMMARY:{room}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines)


async def notify_calendar(token, payload):
    async with httpx2.AsyncClient() as client:
        await client.post(settings.CALENDAR_API, json=payload, headers={"Authorization": f"Bearer {token}"})
