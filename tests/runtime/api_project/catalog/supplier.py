"""The supplier's price API, called with httpx2's async client."""

import logging

import httpx2
from django.conf import settings

logger = logging.getLogger("catalog.supplier")


async def supplier_price(product_id: int) -> float | None:
    async with httpx2.AsyncClient(timeout=2) as client:
        response = await client.get(f"{settings.SUPPLIER_API_URL}/prices/{product_id}")
    if response.status_code != 200:
        logger.warning("no supplier price for product %s: %s", product_id, response.status_code)
        return None
    return response.json()["price"]
