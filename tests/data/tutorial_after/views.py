# The tutorial's own "after" code (../shared/seed/tutorial.txt), verbatim but for the imports
# it leaves out. Every bug in it must be reported: see tests/core/test_tutorial.py.
import asyncio

import httpx
from django.conf import settings
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render

from .models import Order, OrderItem, Payment, Product, Review


async def product_detail(request, product_id):
    # Copilot generates this: queries run in parallel
    product_task = Product.objects.aget(id=product_id)
    
    # Can't get related until we have product, but Copilot handles this
    product = await product_task
    
    # Now these run in parallel
    reviews_task = Review.objects.filter(product=product).order_by('-created')[:5]
    related_task = Product.objects.filter(
        category=product.category
    ).exclude(id=product_id)[:4]
    
    reviews, related = await asyncio.gather(
        reviews_task,
        related_task
    )
    
    return render(request, 'product.html', {
        'product': product,
        'reviews': list(reviews),  # Evaluate queryset
        'related': list(related),
    })


async def user_dashboard(request):
    user = request.user
    profile = await user.aprofile  # Async FK access in Django 6.0
    
    async with httpx.AsyncClient() as client:
        # Both API calls happen at the same time
        stripe_task = client.get(
            f'https://api.stripe.com/customers/{profile.stripe_id}',
            headers={'Authorization': f'Bearer {settings.STRIPE_KEY}'}
        )
        analytics_task = client.get(
            f'https://analytics.example.com/user/{user.id}'
        )
        
        responses = await asyncio.gather(stripe_task, analytics_task)
        stripe_data = responses[0].json()
        analytics_data = responses[1].json()
    
    return JsonResponse({
        'billing': stripe_data,
        'analytics': analytics_data,
    })


async def order_confirmation(request, order_id):
    if not request.user.is_authenticated:
        return redirect('login')
    
    # Fetch order first (needed for permission check)
    order = await Order.objects.select_related(
        'user', 'shipping_address'
    ).aget(id=order_id)
    
    if order.user != request.user:
        return HttpResponseForbidden()
    
    # These queries are independent - run in parallel
    items_task = OrderItem.objects.filter(order=order).select_related('product')
    payment_task = Payment.objects.aget(order=order)
    
    # Email doesn't need to block response
    email_task = asyncio.create_task(
        send_order_email_async(order, request.user.email)
    )
    
    items, payment = await asyncio.gather(items_task, payment_task)
    
    return render(request, 'order_confirm.html', {
        'order': order,
        'items': list(items),
        'payment': payment,
    })
    # Email sends in background after response
