from django.tasks import task

from .models import Booking


@task
def send_reminder(booking_id):
    booking = Booking.objects.select_related("guest").get(pk=booking_id)
    return booking.guest.email
