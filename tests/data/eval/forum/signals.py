from django.dispatch import Signal

reply_posted = Signal()
