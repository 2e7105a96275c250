"""A finding's message states only what is true of its case: blocking calls that do not raise
never say they raise, and behaviour that depends on a backend or a template says so."""

import json
import textwrap

VIEWS = '''
import time

import requests
from django.shortcuts import render

from shop.models import Product
from shop.tasks import send_order_email


async def confirm(request, pk):
    send_order_email.enqueue(pk)
    time.sleep(1)
    requests.get("https://example.com/stock")
    product = await Product.objects.aget(pk=pk)
    product.full_clean()
    return render(request, "shop/products.html", {"products": Product.objects.all()})
'''


def test_each_message_claims_only_what_happens_in_its_case(tmp_path, cli):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models.py").write_text("from django.db import models\n\n\nclass Product(models.Model):\n    name = models.CharField(max_length=9, unique=True)\n")
    (tmp_path / "shop" / "tasks.py").write_text("from django.tasks import task\n\n\n@task\ndef send_order_email(pk):\n    pass\n")
    (tmp_path / "shop" / "views.py").write_text(textwrap.dedent(VIEWS).lstrip())
    result = cli("shop/views.py", "--format", "json", "--no-cache", "--target-version", "6.1", cwd=tmp_path)
    messages = {finding["code"]: finding["message"] for finding in json.loads(result.stdout)["findings"]}
    assert set(messages) == {"DJA113", "DJA302", "DJA301", "DJA102", "DJA201"}, messages
    for code in ("DJA301", "DJA302"):  # a blocking call stalls the loop; it does not raise
        assert "blocking the event loop" in messages[code] and "raise" not in messages[code]
    assert "with the default `ImmediateBackend`" in messages["DJA113"]  # other backends do not run the task inline
    assert "where the template reads it" in messages["DJA201"]  # an unused QuerySet runs no query
    assert "raises SynchronousOnlyOperation when it does" in messages["DJA102"]
