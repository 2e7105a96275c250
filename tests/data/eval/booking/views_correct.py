import asyncio
import datetime
from pathlib import Path

import aiofiles
import httpx2
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import AsyncPaginator
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import aget_object_or_404, redirect, render
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
    paginator = AsyncPaginator(venues, 20)
    page = await paginator.apage(int(request.GET.get("page", 1)))
    return TemplateResponse(request, "booking/venues.html", {"page": page, "num_pages": await paginator.anum_pages()})


async def venue_rooms(request, venue_id):
    venue = await aget_object_or_404(Venue, pk=venue_id)
    rooms = venue.rooms.prefetch_related("amenities")
    room_names = [r.name async for r in rooms]
    return JsonResponse({"venue": venue.name, "rooms": room_names})


async def room_detail(request, room_id):
    room = await Room.objects.select_related("venue").prefetch_related("amenities").aget(pk=room_id)
    venue = room.venue
    amenities = [a.label for a in room.amenities.all()]
    return JsonResponse({"room": room.name, "venue": venue.name, "venue_id": room.venue_id, "amenities": amenities})


async def room_card(request, room_id):
    room = await Room.objects.select_related("venue").aget(pk=room_id)
    return JsonResponse({"title": room.display_name()})


@login_required
async def my_bookings(request):
    user = await request.auser()
    bookings = Booking.objects.for_guest(user).upcoming().select_related("room")
    paginator = AsyncPaginator(bookings, 10)
    page = await paginator.aget_page(request.GET.get("page"))
    rows = [{"room": b.room.name, "start": b.start.isoformat()} async for b in page]
    return JsonResponse({"rows": rows, "has_next": await page.ahas_next()})


@login_required
async def my_bookings_json(request):
    user = await request.auser()
    bookings = [b async for b in Booking.objects.for_guest(user).upcoming().select_related("room")]
    data = [{"room": b.room.name, "start": b.start.isoformat(), "hours": b.duration_hours} for b in bookings]
    return JsonResponse({"bookings": data})


@login_required
async def book_room(request):
    form = BookingRequestForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    user = await request.auser()
    room = await Room.objects.aget(pk=form.cleaned_data["room_id"])
    free = await sync_to_async(room.is_free)(form.cleaned_data["start"], form.cleaned_data["end"])
    if not free:
        return JsonResponse({"error": "taken"}, status=409)
    booking = Booking(room=room, guest=user, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    await sync_to_async(booking.full_clean)()
    await booking.asave()
    await send_reminder.aenqueue(booking.pk)
    payload = calendar.booking_payload(booking)
    await calendar.notify_calendar(user.email, payload)
    return JsonResponse({"id": booking.pk})


@login_required
async def book_room_v2(request):
    user = await request.auser()
    room = await Room.objects.aget(pk=request.POST["room_id"])
    start = datetime.datetime.fromisoformat(request.POST["start"])
    end = datetime.datetime.fromisoformat(request.POST["end"])
    if await room.bookings.filter(start__lt=end, end__gt=start).aexists():
        return JsonResponse({"error": "taken"}, status=409)
    booking = await Booking.objects.acreate(room=room, guest=user, start=start, end=end)
    profile = await GuestProfile.objects.aget(user=user)
    await asyncio.to_thread(calendar.push_to_calendar, profile.calendar_token, {"id": booking.pk})
    return JsonResponse({"id": booking.pk})


@login_required
async def cancel_booking(request, pk):
    user = await request.auser()
    booking = await aget_object_or_404(Booking, pk=pk, guest=user)
    booking.status = "cancelled"
    await booking.asave(update_fields=["status"])
    return redirect("booking:my_bookings")


@login_required
async def booking_detail(request, pk):
    user = await request.auser()
    booking = await Booking.objects.select_related("room__venue", "invoice").aget(pk=pk)
    if not permissions.owns_booking(user, booking):
        return HttpResponseForbidden()
    venue_name = booking.room.venue.name
    invoice = booking.invoice
    return JsonResponse({"venue": venue_name, "room": booking.room.name, "amount": str(invoice.amount)})


@login_required
async def venue_dashboard(request, venue_id):
    user = await request.auser()
    allowed = await sync_to_async(permissions.can_manage_venue)(user, venue_id)
    if not allowed:
        return HttpResponseForbidden()
    today = timezone.now().date()
    todays = Booking.objects.filter(room__venue_id=venue_id, start__date=today).select_related("room", "guest")
    return TemplateResponse(request, "booking/dashboard.html", {"bookings": todays})


@login_required
async def vip_lounge(request):
    user = await request.auser()
    if not await sync_to_async(permissions.is_vip)(user):
        return HttpResponseForbidden()
    return TemplateResponse(request, "booking/vip.html", {})


async def room_availability(request, room_id):
    day = datetime.date.fromisoformat(request.GET["day"])
    slots = await sync_to_async(calendar.busy_slots)(room_id, day)
    return JsonResponse({"busy": [[s.isoformat(), e.isoformat()] for s, e in slots]})


async def room_search(request):
    capacity = int(request.GET.get("capacity", 1))
    rooms = Room.objects.filter(capacity__gte=capacity).select_related("venue")
    return TemplateResponse(request, "booking/search.html", {"rooms": rooms})


async def amenity_filter(request):
    labels = request.GET.getlist("amenity")
    amenity_ids = [pk async for pk in Amenity.objects.filter(label__in=labels).values_list("pk", flat=True)]
    rooms = Room.objects.filter(amenities__in=amenity_ids).distinct()
    count = await rooms.acount()
    return JsonResponse({"count": count, "amenities": len(amenity_ids)})


async def occupancy(request, venue_id):
    rooms = Room.objects.filter(venue_id=venue_id)
    bookings = Booking.objects.filter(room__venue_id=venue_id, status="confirmed")
    n_rooms, n_bookings = await asyncio.gather(rooms.acount(), bookings.acount())
    return JsonResponse({"rate": n_bookings / max(n_rooms, 1)})


def _write_ics(path, ics):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ics)


async def booking_ics(request, pk):
    booking = await Booking.objects.select_related("room").aget(pk=pk)
    ics = calendar.to_ical([(booking.start, booking.end, booking.room.name)])
    path = Path(settings.MEDIA_ROOT) / "ics" / f"{pk}.ics"
    await asyncio.to_thread(_write_ics, path, ics)
    return HttpResponse(ics, content_type="text/calendar")


async def invoice_download(request, pk):
    invoice = await Invoice.objects.aget(booking_id=pk)
    async with aiofiles.open(invoice.pdf_path, "rb") as fh:
        data = await fh.read()
    return HttpResponse(data, content_type="application/pdf")


async def venue_health(request, venue_id):
    venue = await Venue.objects.aget(pk=venue_id)
    host = f"{venue.city.lower()}.booking-gateway.internal"
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, 443), timeout=2)
    writer.close()
    await writer.wait_closed()
    return JsonResponse({"ok": True})


async def sync_external(request, venue_id):
    venue = await Venue.objects.aget(pk=venue_id)
    async with httpx2.AsyncClient() as client:
        resp = await client.get(f"https://partner.example.com/venues/{venue.pk}/bookings")
    for row in resp.json():
        await Booking.objects.aupdate_or_create(pk=row["id"], defaults={"status": row["status"]})
        await asyncio.sleep(0.1)
    return JsonResponse({"ok": True})


@permission_required("booking.change_venue")
async def venue_managers(request, venue_id):
    venue = await Venue.objects.select_related("manager").aget(pk=venue_id)
    manager = venue.manager
    others = [r async for r in venue.rooms.all()]
    return render(request, "booking/managers.html", {"manager": manager, "rooms": others})


@never_cache
async def guest_profile(request):
    user = await request.auser()
    profile, _ = await GuestProfile.objects.aget_or_create(user=user)
    next_booking = await user.bookings.upcoming().afirst()
    return JsonResponse({"company": profile.company, "next": next_booking.pk if next_booking else None})


async def upcoming_export(request):
    rows = [
        (b.start, b.end, b.room.name)
        async for b in Booking.objects.upcoming().select_related("room").aiterator()
    ]
    return HttpResponse(calendar.to_ical(rows), content_type="text/calendar")


class RoomBookingsView(View):
    async def get(self, request, room_id):
        room = await Room.objects.select_related("venue").aget(pk=room_id)
        rows = await sync_to_async(self.rows_for)(room)
        return JsonResponse({"venue": room.venue.name, "rows": rows})

    def rows_for(self, room):
        return [{"id": b.pk, "start": b.start.isoformat()} for b in room.bookings.upcoming()]


class BookingUpdateView(View):
    async def post(self, request, pk):
        booking = await Booking.objects.aget(pk=pk)
        booking.notes = request.POST.get("notes", "")
        await booking.asave(update_fields=["notes"])
        await Booking.objects.filter(pk=pk).aupdate(status="amended")
        booking = await Booking.objects.select_related("guest").aget(pk=pk)
        guest_email = booking.guest.email
        return JsonResponse({"status": booking.status, "guest": guest_email})


@login_required
async def quick_book(request, room_id):
    user = await request.auser()
    room = await Room.objects.aget(pk=room_id)
    start = timezone.now()
    booking = await Booking.objects.acreate(room=room, guest=user, start=start, end=start + datetime.timedelta(hours=1))
    return JsonResponse({"id": booking.pk, "room": booking.room.name, "guest": booking.guest.pk})


class VenueReportView(View):
    async def get(self, request, venue_id):
        rows = await self.build_rows(venue_id)
        return JsonResponse({"rows": rows})

    @sync_to_async
    def build_rows(self, venue_id):
        return [{"room": r.name, "bookings": r.bookings.count()} for r in Room.objects.filter(venue_id=venue_id)]


async def partner_rates(request, venue_id):
    async with httpx2.AsyncClient(base_url="https://partner.example.com") as client:
        response = await client.get(f"/venues/{venue_id}/rates")
    return JsonResponse(response.json())


def _list_plans(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def floor_plans(request, venue_id):
    folder = Path(settings.MEDIA_ROOT) / "plans" / str(venue_id)
    names = await asyncio.to_thread(_list_plans, folder)
    return JsonResponse({"plans": names, "folder": folder.name, "suffix": folder.suffix})


async def booking_counters(request, room_id):
    from django.core.cache import cache, caches

    try:
        views = await cache.aincr(f"room:{room_id}:views")
    except ValueError:
        await cache.aset(f"room:{room_id}:views", 1)
        views = 1
    cached = await caches["default"].aget_many([f"room:{room_id}:price", f"room:{room_id}:rating"])
    return JsonResponse({"views": views, "cached": cached})
