"""Access checks (sync)."""
from .models import Booking, Venue


def can_manage_venue(user, venue_id):
    return Venue.objects.filter(pk=venue_id, manager=user).exists()


def owns_booking(user, booking):
    return booking.guest_id == user.pk


def is_vip(user):
    return user.guest_profile.company in {"ACME", "Globex"}
