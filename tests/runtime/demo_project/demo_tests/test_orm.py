def test_sync_orm_in_async_view(client, db):
    assert client.get("/orders/count/").json() == {"count": 0}


def test_lazy_relation_in_async_view(client, order):
    assert client.get(f"/orders/{order.pk}/customer/").json() == {"customer": "customer"}


def test_lazy_relation_in_a_helper_thread(client, order):
    assert client.get(f"/orders/{order.pk}/customer-offloaded/").json() == {"customer": "customer"}
