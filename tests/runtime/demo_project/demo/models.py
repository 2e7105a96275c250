from django.conf import settings
from django.db import models


class Order(models.Model):
    item = models.CharField(max_length=100)
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
