"""The team and account views converted correctly: confirm_runtime.py runs each one and expects no
error, no blocking call and no coroutine left un-awaited."""

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth import aauthenticate, alogin, alogout, aupdate_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import View

from teams import services
from teams.decorators import staff_required
from teams.forms import InviteForm, SignInForm, TeamForm
from teams.models import Invite, Membership, Notification, Profile, Team


@staff_required
async def staff_dashboard(request):
    return JsonResponse({"teams": await Team.objects.acount()})


async def sign_in_and_login(request):
    form = SignInForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    user = await aauthenticate(request, **form.cleaned_data)
    if user is None:
        return HttpResponse(status=403)
    await alogin(request, user)
    return redirect("/")


async def sign_out(request):
    await alogout(request)
    return redirect("/")


async def change_password(request):
    user = await request.auser()
    await sync_to_async(user.set_password)(request.POST["password"])
    await user.asave()
    await aupdate_session_auth_hash(request, user)
    return redirect("/")


@login_required
async def my_profile(request):
    user = await request.auser()
    profile = await Profile.objects.aget(user=user)
    return render(request, "teams/profile.html", {"profile": profile})


async def team_detail(request, pk):
    team = await Team.objects.select_related("owner").aget(pk=pk)
    return render(request, "teams/team_detail.html", {"team": team})


async def team_members(request, pk):
    team = await Team.objects.aget(pk=pk)
    return JsonResponse({"members": [member.username async for member in team.members.all()]})


async def member_bios(request, pk):
    names = [m.user.username async for m in Membership.objects.filter(team_id=pk).select_related("user")]
    return JsonResponse({"members": names})


async def my_teams(request):
    user = await request.auser()
    teams = [team async for team in Team.objects.filter(members=user)]
    return render(request, "teams/team_list.html", {"teams": teams})


async def invite(request):
    user = await request.auser()
    form = InviteForm(request.POST, owner=user)
    if await sync_to_async(form.is_valid)():
        await Invite.objects.acreate(team=form.cleaned_data["team"], email=form.cleaned_data["email"])
        return redirect("/")
    return HttpResponse(status=400)


async def resend_invite(request, pk):
    invite = await Invite.objects.select_related("team").aget(pk=pk)
    await sync_to_async(services.send_invite_email)(invite, invite.team.name)
    return JsonResponse({"sent": True})


async def accept_invite(request, pk):
    user = await request.auser()
    invite = await Invite.objects.aget(pk=pk)
    await Membership.objects.acreate(team_id=invite.team_id, user=user)
    return redirect("/")


async def mark_all_read(request):
    user = await request.auser()
    await Notification.objects.filter(user=user, read=False).aupdate(read=True)
    return JsonResponse({"ok": True})


async def dashboard(request):
    user = await request.auser()
    summary = await services.unread_summary(user)
    teams = [t async for t in Team.objects.filter(owner=user)]
    return render(request, "teams/dashboard.html", {"unread": summary["unread"], "teams": teams})


async def team_by_id(request, pk):
    team = await sync_to_async(services.load_team)(pk)
    return JsonResponse({"name": team.name, "owner": team.owner.username})


async def team_stats(request, pk):
    team = await Team.objects.aget(pk=pk)
    return JsonResponse(await sync_to_async(services.team_stats)(team))


async def rename_team(request, pk):
    team = await Team.objects.aget(pk=pk)
    form = TeamForm(request.POST, instance=team)
    if form.is_valid():
        team = await sync_to_async(form.save)()
    return JsonResponse({"name": team.name})


async def create_team(request):
    user = await request.auser()
    team = await Team.objects.acreate(name=request.POST.get("name", "New team"), owner=user)
    await team.members.aadd(user, through_defaults={"role": "owner"})
    return JsonResponse({"id": team.pk})


async def leave_team(request, pk):
    user = await request.auser()
    await Membership.objects.filter(team_id=pk, user=user).adelete()
    messages.info(request, "You left the team.")
    return redirect("/")


async def ensure_profile(request):
    user = await request.auser()
    profile, created = await Profile.objects.aget_or_create(user=user)
    return JsonResponse({"created": created, "timezone": profile.timezone})


async def can_edit_products(request):
    user = await request.auser()
    return JsonResponse({"can": await user.ahas_perm("catalog.change_product")})


async def switch_team(request, pk):
    await request.session.aset("team_id", pk)
    return redirect("/")


async def team_overview(request, pk):
    return await team_detail(request, pk)


class TeamListView(View):
    async def get(self, request):
        user = await request.auser()
        if not user.is_authenticated:
            return redirect("/login/")
        return JsonResponse({"teams": [t.name async for t in Team.objects.filter(owner=user)]})


class ProfileView(View):
    async def get(self, request):
        user = await request.auser()
        profile = await Profile.objects.filter(user=user).aget()
        return render(request, "teams/profile.html", {"profile": profile})
