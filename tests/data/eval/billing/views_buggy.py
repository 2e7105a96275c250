import asyncio
import json
import secrets

import psycopg
import redis
from asgiref.sync import sync_to_async
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import mail_admins, send_mass_mail
from django.db import transaction
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import View

from . import services
from .mixins import OrgMixin
from .models import ApiKey, Invoice, InvoiceLine, Membership, Organization, Plan, Subscription, User

rate_limiter = redis.Redis.from_url("redis://localhost:6379/2")


async def login_view(request):
    if request.method == "POST":
        user = authenticate(request, email=request.POST["email"], password=request.POST["password"])  # expect: DJA112
        if user is not None:
            login(request, user)  # expect: DJA112
            return redirect("billing:dashboard")
        return render(request, "billing/login.html", {"error": True})
    return render(request, "billing/login.html")


async def logout_view(request):
    logout(request)  # expect: DJA112
    return redirect("billing:login")


async def signup(request):
    data = json.loads(request.body)
    if await User.objects.filter(email=data["email"]).aexists():
        return JsonResponse({"error": "taken"}, status=400)
    user = User(email=data["email"], full_name=data.get("name", ""))
    user.set_password(data["password"])  # expect: DJA308
    await user.asave()
    org = await Organization.objects.acreate(name=data["company"], slug=data["slug"], owner=user)
    Membership.objects.create(user=user, organization=org, role="owner")  # expect: DJA102
    return JsonResponse({"id": user.pk}, status=201)


@login_required
async def change_password(request):
    user = await request.auser()
    if not user.check_password(request.POST["old"]):  # expect: DJA308
        return JsonResponse({"error": "wrong password"}, status=400)
    await user.aset_password(request.POST["new"])  # expect: DJA105
    await user.asave()
    update_session_auth_hash(request, user)  # expect: DJA112
    return JsonResponse({"ok": True})


@login_required
async def dashboard(request):
    user = request.user  # expect: DJA107
    orgs = Organization.objects.filter(memberships__user=user)
    return render(request, "billing/dashboard.html", {"orgs": orgs})  # expect: DJA201


@login_required
async def org_overview(request, slug):
    user = await request.auser()
    org = await Organization.objects.aget(slug=slug, memberships__user=user)
    plan = services.current_plan(org)  # expect: DJA106 helper
    outstanding = services.outstanding_total(org.pk)  # expect: DJA102 helper
    owner_email = org.owner.email  # expect: DJA106
    return JsonResponse({"plan": plan.code, "outstanding": str(outstanding), "owner": owner_email})


@login_required
async def default_org(request):
    user = await request.auser()
    org = user.default_org  # expect: DJA106
    if org is None:
        org = await user.organizations.afirst()
    return JsonResponse({"org": org.slug if org else None})


@login_required
async def subscription_detail(request, slug):
    sub = await Subscription.objects.select_related("organization").aget(organization__slug=slug)
    plan_name = sub.plan.name  # expect: DJA106
    used = sub.seats_used()  # expect: DJA102 helper
    return JsonResponse({"plan": plan_name, "seats": used, "org": sub.organization.name})


@login_required
async def change_plan(request, slug):
    user = await request.auser()
    org = await Organization.objects.select_related("subscription").aget(slug=slug, owner=user)
    plan = await Plan.objects.aget(code=request.POST["plan"])
    with transaction.atomic():  # expect: DJA109
        org.subscription.plan = plan
        await org.subscription.asave()
        await Invoice.objects.acreate(organization=org, number=secrets.token_hex(6), total=plan.monthly_price)
    services.charge(org.stripe_customer_id, int(plan.monthly_price * 100))  # expect: DJA301 helper
    return redirect("billing:org", slug=slug)


@login_required
async def plans(request):
    choices = services.plan_choices()
    html = render_to_string("billing/plans.html", {"plans": choices})  # expect: DJA201 helper
    return HttpResponse(html)


@login_required
async def invoice_list(request, slug):
    user = await request.auser()
    org = await Organization.objects.aget(slug=slug, memberships__user=user)
    invoices = org.invoices.order_by("-issued_at")
    return JsonResponse({"invoices": list(invoices.values("number", "total", "paid"))})  # expect: DJA103


@login_required
async def invoice_detail(request, number):
    invoice = await Invoice.objects.aget(number=number)
    lines = await InvoiceLine.objects.filter(invoice=invoice).avalues("description", "amount")  # expect: DJA105
    org = invoice.organization  # expect: DJA106
    return JsonResponse({"org": org.name, "lines": lines})


@login_required
async def invoice_pdf(request, number):
    invoice = await Invoice.objects.aget(number=number)
    html_path = f"/tmp/{number}.html"
    pdf_path = f"/tmp/{number}.pdf"
    services.render_invoice_pdf(html_path, pdf_path)  # expect: DJA304 helper
    return JsonResponse({"pdf": pdf_path, "total": str(invoice.total)})


@login_required
async def member_list(request, slug):
    user = await request.auser()
    org = await Organization.objects.aget(slug=slug)
    if not user.has_perm("billing.view_membership"):  # expect: DJA102
        return HttpResponseForbidden()
    roles = services.member_roles(org.pk)  # expect: DJA103 helper
    members = org.members.all()
    emails = [m.email for m in members]  # expect: DJA103
    return JsonResponse({"members": emails, "roles": roles})


@login_required
async def invite_member(request, slug):
    user = await request.auser()
    org = await Organization.objects.aget(slug=slug, owner=user)
    invitee, created = await User.objects.aget_or_create(email=request.POST["email"])
    if created:
        invitee.set_unusable_password()
        invitee.password = make_password(secrets.token_urlsafe())  # expect: DJA308
        await invitee.asave()
    org.members.add(invitee, through_defaults={"role": "member"})  # expect: DJA102
    send_mass_mail([("Invitation", f"Join {org.name}", "billing@example.com", [invitee.email])])  # expect: DJA306
    return JsonResponse({"invited": invitee.pk})


@login_required
async def remove_member(request, slug, user_id):
    user = await request.auser()
    org = await Organization.objects.aget(slug=slug, owner=user)
    membership = await Membership.objects.aget(organization=org, user_id=user_id)
    membership.delete()  # expect: DJA102
    await org.members.aremove(user_id)
    return JsonResponse({"ok": True})


async def api_usage(request):
    raw = request.headers.get("Authorization", "").removeprefix("Bearer ")
    key = await ApiKey.objects.select_related("organization").aget(prefix=raw[:8])
    if not check_password(raw, key.hashed_key):  # expect: DJA308
        return JsonResponse({"error": "bad key"}, status=401)
    hits = rate_limiter.incr(f"rl:{key.prefix}")  # expect: DJA309
    key.last_used = timezone.now()
    key.save(update_fields=["last_used"])  # expect: DJA102
    return JsonResponse({"org": key.organization.slug, "hits": hits})


async def analytics(request, slug):
    conn = psycopg.connect("dbname=analytics")  # expect: DJA309
    rows = conn.execute("SELECT day, events FROM usage WHERE org = %s", [slug]).fetchall()  # expect: DJA309
    return JsonResponse({"rows": rows})


async def stripe_webhook(request):
    event = json.loads(request.body)
    invoice = await Invoice.objects.aget(number=event["invoice"])
    invoice.paid = True
    await invoice.asave(update_fields=["paid"])
    if event.get("failed"):
        mail_admins("Payment failed", f"Invoice {invoice.number}")  # expect: DJA306
    return HttpResponse(status=204)


async def usage_summary(request, slug):
    org = await Organization.objects.aget(slug=slug)
    invoice_count, member_count, plan = await asyncio.gather(
        org.invoices.acount(),
        org.memberships.acount(),
        Plan.objects.aget(subscriptions__organization=org),
    )
    last_invoice = org.invoices.alatest("issued_at")  # expect: DJA101
    return JsonResponse({"invoices": invoice_count, "members": member_count, "plan": plan.code})


async def seat_report(request):
    report = []
    async for org in Organization.objects.select_related("subscription"):
        seats = org.memberships.count()  # expect: DJA102
        report.append({"org": org.slug, "seats": seats, "limit": org.subscription.plan.seat_limit})  # expect: DJA106
    return JsonResponse({"report": report})


class OrgSettingsView(OrgMixin, View):
    async def get(self, request, slug):
        user = await request.auser()
        membership = self.get_membership(user, slug)  # expect: DJA102 helper
        return TemplateResponse(request, "billing/settings.html", {"membership": membership})

    async def post(self, request, slug):
        membership = self.get_membership(request.user, slug)  # expect: DJA102 helper, DJA107
        org = membership.organization
        org.name = request.POST["name"]
        await org.asave(update_fields=["name"])
        return redirect("billing:settings", slug=slug)


async def renewal(request, slug):
    org = await Organization.objects.aget(slug=slug)
    return JsonResponse(services.renewal_summary(org.pk))  # expect: DJA102 helper
