import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from catalog.models import Product, Supplier


class FakeSupplier(BaseHTTPRequestHandler):
    """The supplier's price API: /supplier/prices/<id> answers a price, except for id 404."""

    def do_GET(self):
        product_id = self.path.rstrip("/").rpartition("/")[2]
        status, body = (404, {"error": "unknown"}) if product_id == "404" else (200, {"price": 9.5})
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # keep the test output quiet
        pass


@pytest.fixture(scope="session")
def supplier_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSupplier)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/supplier"
    server.shutdown()


@pytest.fixture(autouse=True)
def supplier_api(supplier_server, settings):
    settings.SUPPLIER_API_URL = supplier_server


@pytest.fixture
def products(django_user_model):
    owner = django_user_model.objects.create_user(username="owner", password="pw")
    acme = Supplier.objects.create(name="Acme")
    return [
        Product.objects.create(name="Teapot", price=Decimal("20.00"), supplier=acme, owner=owner),
        Product.objects.create(name="Kettle", price=Decimal("30.00"), supplier=acme),
    ]
