import asyncio
import datetime
import os
import shutil
import socket
import time
from pathlib import Path

import httpx2
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import AsyncPaginator, Paginator
from django.http import FileResponse, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import aget_object_or_404, get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import View
from django.views.decorators.cache import never_cache

from . import calendar, permissions
from .forms import BookingRequestForm
from .models import Amenity, Booking, GuestProfile, Invoice, Room, Venue
from .tasks import send_reminder


async def venue_list(request):
    venues = Venue.objects.order_by("city")
    paginator = Paginator(venues, 20)
    page = paginator.page(int(request.GET.get("page", 1)))  # expect: DJA111
    return TemplateResponse(request, "booking/venues.html", {"page": page})


async def venue_rooms(request, venue_id):
    venue = await aget_object_or_404(Venue, pk=venue_id)
    rooms = venue.rooms.prefetch_related("amenities")
    room_names = [r.name for r in rooms]  # expect: DJA103
    return JsonResponse({"venue": venue.name, "rooms": room_names})


async def room_detail(request, room_id):
    room = await Room.objects.aget(pk=room_id)
    venue = room.venue  # expect: DJA106
    amenities = [a.label for a in room.amenities.all()]  # expect: DJA103
    return JsonResponse({"room": room.name, "venue": venue.name, "amenities": amenities})


async def room_card(request, room_id):
    room = await Room.objects.aget(pk=room_id)
    return JsonResponse({"title": room.display_name()})  # expect: DJA106 helper


@login_required
async def my_bookings(request):
    user = await request.auser()
    bookings = Booking.objects.for_guest(user).upcoming()
    paginator = AsyncPaginator(bookings, 10)
    page = paginator.aget_page(request.GET.get("page"))  # expect: DJA101
    return TemplateResponse(request, "booking/my_bookings.html", {"page": page})


@login_required
async def my_bookings_json(request):
    user = await request.auser()
    bookings = [b async for b in Booking.objects.for_guest(user).upcoming()]
    data = [{"room": b.room.name, "start": b.start.isoformat()} for b in bookings]  # expect: DJA106
    return JsonResponse({"bookings": data})


@login_required
async def book_room(request):
    form = BookingRequestForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    user = await request.auser()
    room = await Room.objects.aget(pk=form.cleaned_data["room_id"])
    if not room.is_free(form.cleaned_data["start"], form.cleaned_data["end"]):  # expect: DJA102 helper
        return JsonResponse({"error": "taken"}, status=409)
    booking = Booking(room=room, guest=user, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    booking.full_clean()  # expect: DJA102
    await booking.asave()
    send_reminder.enqueue(booking.pk)  # expect: DJA113
    payload = calendar.booking_payload(booking)
    calendar.notify_calendar(user.email, payload)  # expect: DJA101
    return JsonResponse({"id": booking.pk})


@login_required
async def book_room_v2(request):
    user = await request.auser()
    room = await Room.objects.aget(pk=request.POST["room_id"])
    start = datetime.datetime.fromisoformat(request.POST["start"])
    end = datetime.datetime.fromisoformat(request.POST["end"])
    overlapping = room.bookings.filter(start__lt=end, end__gt=start)
    if await overlapping.aexists():
        return JsonResponse({"error": "taken"}, status=409)
    booking = await Booking.objects.acreate(room=room, guest=user, start=start, end=end)
    profile = await GuestProfile.objects.aget(user=user)
    calendar.push_to_calendar(profile.calendar_token, {"id": booking.pk})  # expect: DJA301 helper, DJA302 helper
    return JsonResponse({"id": booking.pk})


@login_required
async def cancel_booking(request, pk):
    booking = get_object_or_404(Booking, pk=pk, guest=request.user)  # expect: DJA110, DJA107
    booking.status = "cancelled"
    await booking.asave(update_fields=["status"])
    return redirect("booking:my_bookings")


@login_required
async def booking_detail(request, pk):
    user = await request.auser()
    booking = await Booking.objects.select_related("room").aget(pk=pk)
    if not permissions.owns_booking(user, booking):
        return HttpResponseForbidden()
    venue_name = booking.room.venue.name  # expect: DJA106
    invoice = booking.invoice  # expect: DJA106
    return JsonResponse({"venue": venue_name, "room": booking.room.name, "amount": str(invoice.amount)})


@login_required
async def venue_dashboard(request, venue_id):
    user = await request.auser()
    if not permissions.can_manage_venue(user, venue_id):  # expect: DJA102 helper
        return HttpResponseForbidden()
    today = timezone.now().date()
    todays = Booking.objects.filter(room__venue_id=venue_id, start__date=today).select_related("room", "guest")
    return render(request, "booking/dashboard.html", {"bookings": todays})  # expect: DJA201


@login_required
async def vip_lounge(request):
    user = await request.auser()
    if not permissions.is_vip(user):  # expect: DJA106 helper
        return HttpResponseForbidden()
    return TemplateResponse(request, "booking/vip.html", {})


async def room_availability(request, room_id):
    day = datetime.date.fromisoformat(request.GET["day"])
    slots = calendar.busy_slots(room_id, day)  # expect: DJA103 helper
    return JsonResponse({"busy": [[s.isoformat(), e.isoformat()] for s, e in slots]})


async def room_search(request):
    capacity = int(request.GET.get("capacity", 1))
    rooms = Room.objects.filter(capacity__gte=capacity).aselect_related("venue")  # expect: DJA105
    return TemplateResponse(request, "booking/search.html", {"rooms": rooms})


async def amenity_filter(request):
    labels = request.GET.getlist("amenity")
    amenity_ids = list(Amenity.objects.filter(label__in=labels).values_list("pk", flat=True))  # expect: DJA103
    rooms = Room.objects.filter(amenities__in=amenity_ids).distinct()
    count = len(rooms)  # expect: DJA103
    return JsonResponse({"count": count})


async def occupancy(request, venue_id):
    rooms = Room.objects.filter(venue_id=venue_id)
    bookings = Booking.objects.filter(room__venue_id=venue_id, status="confirmed")
    n_rooms, n_bookings = await asyncio.gather(rooms.acount(), bookings.count())  # expect: DJA102
    return JsonResponse({"rate": n_bookings / max(n_rooms, 1)})


async def booking_ics(request, pk):
    booking = await Booking.objects.select_related("room").aget(pk=pk)
    ics = calendar.to_ical([(booking.start, booking.end, booking.room.name)])
    path = Path(settings.MEDIA_ROOT) / "ics" / f"{pk}.ics"
    path.write_text(ics)  # expect: DJA303
    return FileResponse(open(path, "rb"), filename=f"booking-{pk}.ics")  # expect: DJA303


async def invoice_download(request, pk):
    invoice = await Invoice.objects.aget(booking_id=pk)
    if not os.path.exists(invoice.pdf_path):  # expect: DJA303
        return HttpResponse(status=404)
    archive_copy = f"/srv/archive/{pk}.pdf"
    shutil.copyfile(invoice.pdf_path, archive_copy)  # expect: DJA303
    with open(invoice.pdf_path, "rb") as fh:  # expect: DJA303
        data = fh.read()  # expect: DJA303
    return HttpResponse(data, content_type="application/pdf")


async def venue_health(request, venue_id):
    venue = await Venue.objects.aget(pk=venue_id)
    host = f"{venue.city.lower()}.booking-gateway.internal"
    addr = socket.gethostbyname(host)  # expect: DJA305
    sock = socket.create_connection((addr, 443), timeout=2)  # expect: DJA305
    sock.close()
    return JsonResponse({"ok": True, "addr": addr})


async def sync_external(request, venue_id):
    venue = await Venue.objects.aget(pk=venue_id)
    resp = httpx2.get(f"https://partner.example.com/venues/{venue.pk}/bookings")  # expect: DJA301
    for row in resp.json():
        await Booking.objects.aupdate_or_create(pk=row["id"], defaults={"status": row["status"]})
        time.sleep(0.1)  # expect: DJA302
    return JsonResponse({"ok": True})


@permission_required("booking.change_venue")
async def venue_managers(request, venue_id):
    venue = await Venue.objects.aget(pk=venue_id)
    manager = venue.manager  # expect: DJA106
    others = venue.rooms.all()
    return render(request, "booking/managers.html", {"manager": manager, "rooms": others})  # expect: DJA201


@never_cache
async def guest_profile(request):
    user = await request.auser()
    profile, _ = await GuestProfile.objects.aget_or_create(user=user)
    upcoming = user.bookings.upcoming()
    next_booking = upcoming.first()  # expect: DJA102
    return JsonResponse({"company": profile.company, "next": next_booking.pk if next_booking else None})


class RoomBookingsView(View):
    async def get(self, request, room_id):
        room = await Room.objects.select_related("venue").aget(pk=room_id)
        rows = self.rows_for(room)  # expect: DJA103 helper
        return JsonResponse({"venue": room.venue.name, "rows": rows})

    def rows_for(self, room):
        return [{"id": b.pk, "start": b.start.isoformat()} for b in room.bookings.upcoming()]


class BookingUpdateView(View):
    async def post(self, request, pk):
        booking = await Booking.objects.aget(pk=pk)
        booking.notes = request.POST.get("notes", "")
        await booking.asave(update_fields=["notes"])
        Booking.objects.filter(pk=pk).update(status="amended")  # expect: DJA102
        await booking.arefresh_from_db()
        guest_email = booking.guest.email  # expect: DJA106
        return JsonResponse({"status": booking.status, "guest": guest_email})


async def partner_rates(request, venue_id):
    with httpx2.Client(base_url="https://partner.example.com") as client:
        rates = client.get(f"/venues/{venue_id}/rates").json()  # expect: DJA301
    return JsonResponse(rates)


async def floor_plans(request, venue_id):
    folder = Path(settings.MEDIA_ROOT) / "plans" / str(venue_id)
    if not folder.exists():  # expect: DJA303
        return JsonResponse({"plans": []})
    names = os.listdir(folder)  # expect: DJA303
    return JsonResponse({"plans": sorted(names)})


async def venue_config(request, venue_id):
    import json
    import subprocess

    config = json.load(open(f"/etc/venues/{venue_id}.json"))  # expect: DJA303
    revision = subprocess.check_output(["git", "rev-parse", "HEAD"]).decode().strip()  # expect: DJA304
    return JsonResponse({"config": config, "revision": revision})


async def booking_counters(request, room_id):
    from django.core.cache import cache, caches

    views = cache.incr(f"room:{room_id}:views")  # expect: DJA307
    cached = caches["default"].get_many([f"room:{room_id}:price", f"room:{room_id}:rating"])  # expect: DJA307
    return JsonResponse({"views": views, "cached": cached})
