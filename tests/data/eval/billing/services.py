"""Billing helpers (sync)."""
import subprocess

import requests
from django.conf import settings
from django.db.models import Sum

from .models import Invoice, Membership, Organization, Plan

stripe = requests.Session()
stripe.auth = (getattr(settings, "STRIPE_KEY", ""), "")


def current_plan(org):
    return org.subscription.plan


def outstanding_total(org_id):
    return Invoice.objects.filter(organization_id=org_id, paid=False).aggregate(total=Sum("total"))["total"] or 0


def charge(customer_id, amount_cents):
    resp = stripe.post("https://api.stripe.com/v1/charges", data={"customer": customer_id, "amount": amount_cents})
    resp.raise_for_status()
    return resp.json()


def render_invoice_pdf(html_path, pdf_path):
    subprocess.check_call(["wkhtmltopdf", html_path, pdf_path])


def member_roles(org_id):
    return {m.user_id: m.role for m in Membership.objects.filter(organization_id=org_id)}


def plan_choices():
    return Plan.objects.order_by("monthly_price")


def invoice_number(org_id, seq):
    return f"INV-{org_id:05d}-{seq:06d}"


def renewal_summary(org_id):
    due = outstanding_total(org_id)
    return {"org": org_id, "due": str(due)}
