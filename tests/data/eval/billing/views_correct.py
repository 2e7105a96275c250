import asyncio
import json
import secrets

import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.contrib.auth import aauthenticate, alogin, alogout, aupdate_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import acheck_password, make_password
from django.core.mail import mail_admins
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

rate_limiter = aioredis.Redis.from_url("redis://localhost:6379/2")


async def login_view(request):
    if request.method == "POST":
        user = await aauthenticate(request, email=request.POST["email"], password=request.POST["password"])
        if user is not None:
            await alogin(request, user)
            return redirect("billing:dashboard")
        return render(request, "billing/login.html", {"error": True})
    return render(request, "billing/login.html")


async def logout_view(request):
    await alogout(request)
    return redirect("billing:login")


def _hash(password):
    return make_password(password)


async def signup(request):
    data = json.loads(request.body)
    if await User.objects.filter(email=data["email"]).aexists():
        return JsonResponse({"error": "taken"}, status=400)
    user = User(email=data["email"], full_name=data.get("name", ""))
    user.password = await sync_to_async(_hash, thread_sensitive=False)(data["password"])
    await user.asave()
    org = await Organization.objects.acreate(name=data["company"], slug=data["slug"], owner=user)
    await Membership.objects.acreate(user=user, organization=org, role="owner")
    return JsonResponse({"id": user.pk}, status=201)


@login_required
async def change_password(request):
    user = await request.auser()
    if not await user.acheck_password(request.POST["old"]):
        return JsonResponse({"error": "wrong password"}, status=400)
    await sync_to_async(user.set_password, thread_sensitive=False)(request.POST["new"])
    await user.asave(update_fields=["password"])
    await aupdate_session_auth_hash(request, user)
    return JsonResponse({"ok": True})


@login_required
async def dashboard(request):
    user = await request.auser()
    orgs = Organization.objects.filter(memberships__user=user)
    return TemplateResponse(request, "billing/dashboard.html", {"orgs": orgs, "email": user.email})


@login_required
async def org_overview(request, slug):
    user = await request.auser()
    org = await Organization.objects.select_related("owner", "subscription__plan").aget(slug=slug, memberships__user=user)
    plan = services.current_plan(org)
    outstanding = await sync_to_async(services.outstanding_total)(org.pk)
    owner_email = org.owner.email
    return JsonResponse({"plan": plan.code, "outstanding": str(outstanding), "owner": owner_email})


@login_required
async def default_org(request):
    user = await request.auser()
    org = None
    if user.default_org_id is not None:
        org = await Organization.objects.aget(pk=user.default_org_id)
    if org is None:
        org = await user.organizations.afirst()
    return JsonResponse({"org": org.slug if org else None})


@login_required
async def subscription_detail(request, slug):
    sub = await Subscription.objects.select_related("organization", "plan").aget(organization__slug=slug)
    plan_name = sub.plan.name
    used = await sub.organization.memberships.acount()
    return JsonResponse({"plan": plan_name, "seats": used, "org": sub.organization.name})


def _switch_plan(org, plan):
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().get(organization=org)
        sub.plan = plan
        sub.save(update_fields=["plan"])
        Invoice.objects.create(organization=org, number=secrets.token_hex(6), total=plan.monthly_price)


@login_required
async def change_plan(request, slug):
    user = await request.auser()
    org = await Organization.objects.aget(slug=slug, owner=user)
    plan = await Plan.objects.aget(code=request.POST["plan"])
    await sync_to_async(_switch_plan)(org, plan)
    await asyncio.to_thread(services.charge, org.stripe_customer_id, int(plan.monthly_price * 100))
    return redirect("billing:org", slug=slug)


@login_required
async def plans(request):
    choices = [p async for p in services.plan_choices()]
    html = render_to_string("billing/plans.html", {"plans": choices})
    return HttpResponse(html)


@login_required
async def invoice_list(request, slug):
    user = await request.auser()
    org = await Organization.objects.aget(slug=slug, memberships__user=user)
    invoices = org.invoices.order_by("-issued_at")
    rows = [row async for row in invoices.values("number", "total", "paid")]
    return JsonResponse({"invoices": rows})


@login_required
async def invoice_detail(request, number):
    invoice = await Invoice.objects.select_related("organization").aget(number=number)
    lines = [line async for line in InvoiceLine.objects.filter(invoice=invoice).values("description", "amount")]
    org = invoice.organization
    return JsonResponse({"org": org.name, "org_id": invoice.organization_id, "lines": lines})


@login_required
async def invoice_pdf(request, number):
    invoice = await Invoice.objects.aget(number=number)
    html_path = f"/tmp/{number}.html"
    pdf_path = f"/tmp/{number}.pdf"
    proc = await asyncio.create_subprocess_exec("wkhtmltopdf", html_path, pdf_path)
    await proc.wait()
    return JsonResponse({"pdf": pdf_path, "total": str(invoice.total)})


@login_required
async def member_list(request, slug):
    user = await request.auser()
    org = await Organization.objects.aget(slug=slug)
    if not await user.ahas_perm("billing.view_membership"):
        return HttpResponseForbidden()
    roles = await sync_to_async(services.member_roles)(org.pk)
    emails = [m.email async for m in org.members.all()]
    return JsonResponse({"members": emails, "roles": roles})


@login_required
async def invite_member(request, slug):
    user = await request.auser()
    org = await Organization.objects.aget(slug=slug, owner=user)
    invitee, created = await User.objects.aget_or_create(email=request.POST["email"])
    if created:
        invitee.set_unusable_password()
        await invitee.asave()
    await org.members.aadd(invitee, through_defaults={"role": "member"})
    return JsonResponse({"invited": invitee.pk})


@login_required
async def remove_member(request, slug, user_id):
    user = await request.auser()
    org = await Organization.objects.aget(slug=slug, owner=user)
    await Membership.objects.filter(organization=org, user_id=user_id).adelete()
    return JsonResponse({"ok": True})


async def api_usage(request):
    raw = request.headers.get("Authorization", "").removeprefix("Bearer ")
    key = await ApiKey.objects.select_related("organization").aget(prefix=raw[:8])
    if not await acheck_password(raw, key.hashed_key):
        return JsonResponse({"error": "bad key"}, status=401)
    hits = await rate_limiter.incr(f"rl:{key.prefix}")
    key.last_used = timezone.now()
    await key.asave(update_fields=["last_used"])
    return JsonResponse({"org": key.organization.slug, "hits": hits})


async def stripe_webhook(request):
    event = json.loads(request.body)
    invoice = await Invoice.objects.aget(number=event["invoice"])
    invoice.paid = True
    await invoice.asave(update_fields=["paid"])
    if event.get("failed"):
        await sync_to_async(mail_admins)("Payment failed", f"Invoice {invoice.number}")
    return HttpResponse(status=204)


async def usage_summary(request, slug):
    org = await Organization.objects.aget(slug=slug)
    invoice_count, member_count, plan = await asyncio.gather(
        org.invoices.acount(),
        org.memberships.acount(),
        Plan.objects.aget(subscriptions__organization=org),
    )
    last_invoice = await org.invoices.alatest("issued_at")
    return JsonResponse({"invoices": invoice_count, "members": member_count, "plan": plan.code, "last": last_invoice.number})


async def seat_report(request):
    report = []
    async for org in Organization.objects.select_related("subscription__plan"):
        seats = await org.memberships.acount()
        report.append({"org": org.slug, "seats": seats, "limit": org.subscription.plan.seat_limit})
    return JsonResponse({"report": report})


async def invoice_numbers(request, slug):
    org = await Organization.objects.aget(slug=slug)
    seq = await org.invoices.acount()
    return JsonResponse({"next": services.invoice_number(org.pk, seq + 1)})


class OrgSettingsView(OrgMixin, View):
    async def get(self, request, slug):
        user = await request.auser()
        membership = await sync_to_async(self.get_membership)(user, slug)
        return TemplateResponse(request, "billing/settings.html", {"membership": membership, "role": self.role_label(membership)})

    async def post(self, request, slug):
        user = await request.auser()
        membership = await sync_to_async(self.get_membership)(user, slug)
        org = membership.organization
        org.name = request.POST["name"]
        await org.asave(update_fields=["name"])
        return redirect("billing:settings", slug=slug)


async def renewal(request, slug):
    org = await Organization.objects.aget(slug=slug)
    return JsonResponse(await sync_to_async(services.renewal_summary)(org.pk))
