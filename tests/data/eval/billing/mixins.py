from django.http import Http404

from .models import Membership


class OrgMixin:
    def get_membership(self, user, slug):
        membership = Membership.objects.select_related("organization").filter(user=user, organization__slug=slug).first()
        if membership is None:
            raise Http404("No such organization")
        return membership

    def role_label(self, membership):
        return membership.role.title()
