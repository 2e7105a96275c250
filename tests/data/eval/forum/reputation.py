from django.db.models import F

from .models import Member


class ReputationService:
    def __init__(self, user_id):
        self.user_id = user_id

    def award(self, points):
        Member.objects.filter(user_id=self.user_id).update(reputation=F("reputation") + points)

    def level(self, reputation):
        return "gold" if reputation > 1000 else "silver" if reputation > 100 else "bronze"
