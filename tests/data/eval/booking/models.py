from django.conf import settings
from django.db import models


class BookingQuerySet(models.QuerySet):
    def upcoming(self):
        from django.utils import timezone

        return self.filter(start__gte=timezone.now()).order_by("start")

    def for_guest(self, user):
        return self.filter(guest=user)


class Venue(models.Model):
    name = models.CharField(max_length=120)
    city = models.CharField(max_length=80)
    timezone = models.CharField(max_length=40, default="Europe/Paris")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="managed_venues")


class Amenity(models.Model):
    label = models.CharField(max_length=60)


class Room(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=80)
    capacity = models.PositiveIntegerField()
    hourly_rate = models.DecimalField(max_digits=8, decimal_places=2)
    amenities = models.ManyToManyField(Amenity, related_name="rooms", blank=True)

    def display_name(self):
        return f"{self.venue.name} / {self.name}"

    def is_free(self, start, end):
        return not self.bookings.filter(start__lt=end, end__gt=start).exists()


class GuestProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guest_profile")
    company = models.CharField(max_length=120, blank=True)
    calendar_token = models.CharField(max_length=64, blank=True)


class Booking(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="bookings")
    guest = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=20, default="confirmed")
    notes = models.TextField(blank=True)

    objects = BookingQuerySet.as_manager()

    @property
    def duration_hours(self):
        return (self.end - self.start).total_seconds() / 3600


class Invoice(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="invoice")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    pdf_path = models.CharField(max_length=255, blank=True)
