"""Async views with the bugs the plugin must catch, views it must leave alone, and twins."""

import time
from time import sleep as nap  # a reference taken at import: caught only if blockbuster came first

from asgiref.sync import sync_to_async
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import aget_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse

from demo.models import Order
from demo.rates import fetch_rate


async def sleepy(request):
    time.sleep(0.001)  # blocks the event loop
    return HttpResponse("rested")


async def naps(request):
    nap(0.001)
    return HttpResponse("rested")


async def swallows_blocking(request):
    try:
        time.sleep(0.001)
    except Exception:  # legacy habit: the BlockingError never reaches the test
        pass
    return HttpResponse("done")


async def exchange_rate(request):
    return JsonResponse({"rate": fetch_rate("EUR")})  # the helper blocks on a socket


async def offloaded_sleep(request):
    await sync_to_async(time.sleep)(0.001)  # runs in a worker thread: fine
    return HttpResponse("rested elsewhere")


def legacy_sleepy(request):
    time.sleep(0.001)  # a sync view may block: Django runs it in a worker thread under ASGI
    return HttpResponse("rested")


async def whoami(request):
    # Anonymous without a session cookie needs no query; a logged-in user needs two.
    if request.user.is_authenticated:
        return JsonResponse({"user": request.user.get_username()})
    return JsonResponse({"user": None})


async def order_list(request):
    # A lazy QuerySet in a TemplateResponse: Django renders it in a worker thread.
    return TemplateResponse(request, "demo/orders.html", {"orders": Order.objects.order_by("id")})


async def order_count(request):
    return JsonResponse({"count": Order.objects.count()})  # sync ORM on the loop


async def order_customer(request, pk):
    order = await Order.objects.aget(pk=pk)
    return JsonResponse({"customer": order.customer.get_username()})  # lazy relation on the loop


async def order_detail(request, pk):
    order = await aget_object_or_404(Order, pk=pk)
    return JsonResponse({"id": order.pk, "item": order.item})


def legacy_report(request):
    if not request.user.is_staff:
        return HttpResponseForbidden()
    return render(request, "demo/orders.html", {"orders": Order.objects.order_by("id")})


async def report(request):
    user = await request.auser()
    if not user.is_staff:
        return HttpResponseForbidden()
    return TemplateResponse(request, "demo/orders.html", {"orders": Order.objects.order_by("id")})


async def report_without_permission_check(request):
    # What an assistant's conversion looks like when it drops the is_staff check.
    return TemplateResponse(request, "demo/orders.html", {"orders": Order.objects.order_by("id")})


async def report_newest_first(request):
    # Same shape, different data: only comparing the evaluated QuerySets tells them apart.
    user = await request.auser()
    if not user.is_staff:
        return HttpResponseForbidden()
    return TemplateResponse(request, "demo/orders.html", {"orders": Order.objects.order_by("-id")})


async def ping(request):
    return JsonResponse({"pong": True})


def legacy_after_checkout(request):
    return redirect("demo:order_list")


async def after_checkout_to_the_wrong_page(request):
    return redirect("demo:report")


def legacy_order_stats(request):
    return JsonResponse({"orders": Order.objects.count()})


async def order_stats_with_a_renamed_key(request):
    return JsonResponse({"order_count": await Order.objects.acount()})


def legacy_receipt(request):
    # The email renders before the page, as views that mail a receipt do.
    render_to_string("demo/receipt_email.txt", {"item": "teapot"})
    return render(request, "demo/orders.html", {"orders": ["teapot"]})


async def receipt_with_another_page_context(request):
    render_to_string("demo/receipt_email.txt", {"item": "teapot"})  # the same email
    return render(request, "demo/orders.html", {"orders": ["teapot", "kettle"]})  # another page


def legacy_broken(request):
    raise ValueError("no such order")


async def broken_alike(request):
    raise ValueError("no such order")


async def broken_otherwise(request):
    raise LookupError("no such order")


def _customer_name(order):
    return order.customer.username  # a lazy load: legal in a worker thread, one more query


async def order_customer_offloaded(request, pk):
    order = await Order.objects.aget(pk=pk)
    return JsonResponse({"customer": await sync_to_async(_customer_name)(order)})
