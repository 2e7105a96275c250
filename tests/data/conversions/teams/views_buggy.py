"""Team and account views converted to async the way assistants convert them: one real bug per
view, marked by an ``expect`` comment, each confirmed at runtime by confirm_runtime.py."""

import subprocess
from functools import wraps

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth import aauthenticate, authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View

from teams import services
from teams.decorators import team_owner_required
from teams.forms import InviteForm, SignInForm, TeamForm
from teams.models import Invite, Membership, Notification, Profile, Team


def staff_only(view):
    @wraps(view)
    async def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:  # expect: DJA107
            raise PermissionDenied
        return await view(request, *args, **kwargs)

    return wrapper


@staff_only
async def staff_dashboard(request):
    return JsonResponse({"teams": await Team.objects.acount()})


@team_owner_required  # expect: DJA403
async def owner_dashboard(request):
    user = await request.auser()
    return JsonResponse({"teams": await Team.objects.filter(owner=user).acount()})


async def sign_in(request):
    form = SignInForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    user = authenticate(request, **form.cleaned_data)  # expect: DJA112
    return JsonResponse({"ok": user is not None})


async def sign_in_and_login(request):
    form = SignInForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    user = await aauthenticate(request, **form.cleaned_data)
    login(request, user)  # expect: DJA112
    return redirect("/")


async def sign_out(request):
    logout(request)  # expect: DJA112
    return redirect("/")


async def change_password(request):
    user = await request.auser()
    await sync_to_async(user.set_password)(request.POST["password"])
    await user.asave()
    update_session_auth_hash(request, user)  # expect: DJA112
    return redirect("/")


async def my_profile(request):
    user = await request.auser()
    profile = user.profile  # expect: DJA106
    return render(request, "teams/profile.html", {"profile": profile})


async def team_detail(request, pk):
    team = await Team.objects.aget(pk=pk)
    return render(request, "teams/team_detail.html", {"team": team})  # expect: DJA106


async def team_owner(request, pk):
    team = await Team.objects.aget(pk=pk)
    return JsonResponse({"owner": team.owner.username})  # expect: DJA106


async def team_members(request, pk):
    team = await Team.objects.aget(pk=pk)
    names = [member.username for member in team.members.all()]  # expect: DJA103
    return JsonResponse({"members": names})


async def member_bios(request, pk):
    bios = []
    async for membership in Membership.objects.filter(team_id=pk):
        bios.append(membership.user.username)  # expect: DJA106
    return JsonResponse({"members": bios})


async def my_teams(request):
    user = await request.auser()
    teams = Team.objects.filter(members=user)
    return render(request, "teams/team_list.html", {"teams": teams})  # expect: DJA201


async def invite(request):
    user = await request.auser()
    form = InviteForm(request.POST, owner=user)
    if form.is_valid():  # expect: DJA102
        await Invite.objects.acreate(team=form.cleaned_data["team"], email=form.cleaned_data["email"])
        return redirect("/")
    return HttpResponse(status=400)


async def resend_invite(request, pk):
    invite = await Invite.objects.select_related("team").aget(pk=pk)
    services.send_invite_email(invite, invite.team.name)  # expect: DJA306 helper
    return JsonResponse({"sent": True})


async def invite_team_name(request, pk):
    invite = await Invite.objects.aget(pk=pk)
    return JsonResponse({"team": invite.team.name})  # expect: DJA106


async def accept_invite(request, pk):
    user = await request.auser()
    invite = await Invite.objects.aget(pk=pk)
    Membership.objects.create(team_id=invite.team_id, user=user)  # expect: DJA102
    return redirect("/")


async def mark_all_read(request):
    user = await request.auser()
    Notification.objects.filter(user=user, read=False).update(read=True)  # expect: DJA102
    return JsonResponse({"ok": True})


async def unread_badge(request):
    user = await request.auser()
    unread = Notification.objects.filter(user=user, read=False).acount()  # expect: DJA101
    return JsonResponse({"badge": bool(unread)})


async def dashboard(request):
    user = await request.auser()
    summary = services.unread_summary(user)  # expect: DJA101
    return render(request, "teams/dashboard.html", {"unread": summary, "teams": []})


async def team_by_id(request, pk):
    team = sync_to_async(services.load_team)(pk)  # expect: DJA101
    return JsonResponse({"name": team.name})


async def team_stats(request, pk):
    team = await Team.objects.aget(pk=pk)
    return JsonResponse(services.team_stats(team))  # expect: DJA102 helper


async def team_size(request, pk):
    team = await Team.objects.aget(pk=pk)
    return JsonResponse({"size": team.member_count()})  # expect: DJA102 helper


async def rename_team(request, pk):
    team = await Team.objects.aget(pk=pk)
    form = TeamForm(request.POST, instance=team)
    if form.is_valid():
        team = form.save()  # expect: DJA102
    return JsonResponse({"name": team.name})


async def create_team(request):
    user = await request.auser()
    team = await Team.objects.acreate(name=request.POST.get("name", "New team"), owner=user)
    team.members.add(user, through_defaults={"role": "owner"})  # expect: DJA102
    return JsonResponse({"id": team.pk})


async def leave_team(request, pk):
    user = await request.auser()
    Membership.objects.filter(team_id=pk, user=user).delete()  # expect: DJA102
    messages.info(request, "You left the team.")
    return redirect("/")


async def ensure_profile(request):
    user = await request.auser()
    profile, created = Profile.objects.get_or_create(user=user)  # expect: DJA102
    return JsonResponse({"created": created, "timezone": profile.timezone})


async def can_edit_products(request):
    user = await request.auser()
    return JsonResponse({"can": user.has_perm("catalog.change_product")})  # expect: DJA102


async def is_editor(request):
    user = await request.auser()
    return JsonResponse({"editor": user.groups.filter(name="editors").exists()})  # expect: DJA102


async def switch_team(request, pk):
    request.session["team_id"] = pk  # expect: DJA108
    return redirect("/")


async def team_overview(request, pk):
    return team_detail(request, pk)  # expect: DJA101


async def sorted_members(request, pk):
    team = await Team.objects.aget(pk=pk)
    members = sorted(team.members.all(), key=lambda member: member.username)  # expect: DJA103
    return JsonResponse({"members": [m.username for m in members]})


async def export_members(request, pk):
    names = [m.username async for m in Team.objects.get(pk=pk).members.all()]  # expect: DJA102
    return JsonResponse({"members": names})


async def git_version(request):
    result = subprocess.run(["true"], capture_output=True)  # expect: DJA304
    return JsonResponse({"code": result.returncode})


class TeamListView(LoginRequiredMixin, View):  # expect: DJA408
    async def get(self, request):
        user = await request.auser()
        return JsonResponse({"teams": [t.name async for t in Team.objects.filter(owner=user)]})


@method_decorator(team_owner_required, name="dispatch")  # expect: DJA408
class OwnerSettingsView(View):
    async def get(self, request):
        return JsonResponse({"ok": True})


class ProfileView(View):
    async def get(self, request):
        profile = await Profile.objects.filter(user=request.user).aget()  # expect: DJA107
        return render(request, "teams/profile.html", {"profile": profile})
