from django.core.mail import EmailMessage

from teams.models import Notification, Team


def team_stats(team):
    return {"members": team.members.count(), "invites": team.invites.filter(accepted=False).count()}


def send_invite_email(invite, team_name):
    EmailMessage(f"Join {team_name}", "You were invited.", to=[invite.email]).send()


async def unread_summary(user):
    return {"unread": await Notification.objects.filter(user=user, read=False).acount()}


def load_team(pk):
    return Team.objects.select_related("owner").get(pk=pk)
