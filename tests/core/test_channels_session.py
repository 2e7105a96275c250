"""A Channels consumer's scope: scope["session"] is Channels' lazy SessionStore (DJA108);
scope["user"] is the user Channels' AuthMiddleware loaded (``await get_user(scope)``) before the
consumer ran, without its relations (DJA106, DJA102, DJA103 on what it loads)."""


def test_sync_access_to_the_scope_session_in_a_consumer_is_flagged(findings):
    found = findings('''
        from channels.generic.websocket import AsyncWebsocketConsumer

        class CartConsumer(AsyncWebsocketConsumer):
            async def connect(self):
                cart = self.scope["session"].get("cart")
                self.scope["session"]["seen"] = True
                await self.accept()
        ''')
    assert [f.code for f in found] == ["DJA108", "DJA108"]
    assert found[0].hint == 'use `await self.scope["session"].aget(...)`'


def test_async_session_methods_sync_consumers_and_other_scope_keys_pass(check):
    assert check('''
        from channels.generic.websocket import AsyncWebsocketConsumer, WebsocketConsumer

        class CartConsumer(AsyncWebsocketConsumer):
            async def connect(self):
                cart = await self.scope["session"].aget("cart")
                path = self.scope["path"]
                await self.accept()

        class SyncCartConsumer(WebsocketConsumer):
            def connect(self):
                cart = self.scope["session"].get("cart")
                self.accept()

        # not a consumer: an ASGI wrapper (as Channels' own session middleware) that has just
        # saved the session
        class SessionWrapper:
            async def send(self, message):
                await self.scope["session"].asave()
                expiry = self.scope["session"].get_expiry_age()
        ''') == []


def test_saving_the_scope_session_in_an_asgi_wrapper_is_flagged_also_through_a_method(findings):
    # channels 2.3.1's SessionMiddlewareInstance.send called self.save_session() on the loop
    found = findings('''
        class SessionWrapper:
            def save_session(self):
                self.scope["session"].save()

            async def send(self, message):
                if message["type"] == "http.response.start":
                    self.save_session()
                await self.real_send(message)

        async def session_app(scope, receive, send):
            scope["session"].cycle_key()
        ''')
    assert [f.code for f in found] == ["DJA108", "DJA108"]
    assert found[0].message.startswith('`self.save_session()` -> `self.scope["session"].save()` runs the session store')
    assert found[1].message.startswith('`scope["session"].cycle_key()` runs the session store')
    assert found[1].hint == 'use `await scope["session"].acycle_key(...)`'


def test_the_scope_session_saved_in_a_thread_or_asynchronously_and_other_saves_pass(check):
    assert check('''
        from channels.db import database_sync_to_async

        class SessionWrapper:
            def save_session(self):
                self.scope["session"].save()

            async def send(self, message):
                await database_sync_to_async(self.save_session)()
                await self.scope["session"].asave()
                self.scope["state"].save()
                self.session.save()

            def sync_send(self, message):
                self.scope["session"].save()
        ''') == []


def test_relations_of_the_scope_user_query_in_an_async_consumer(findings):
    found = findings('''
        from channels.generic.websocket import AsyncJsonWebsocketConsumer

        class OrdersConsumer(AsyncJsonWebsocketConsumer):
            async def connect(self):
                user = self.scope["user"]
                stripe_id = self.scope["user"].profile.stripe_id
                orders = [order.pk for order in user.orders.all()]
                await self.accept()
        ''')
    assert [(f.code, f.line) for f in found] == [("DJA106", 14), ("DJA103", 15)]
    assert found[0].hint == 'fetch it: `await Profile.objects.aget(user=self.scope["user"])`'


def test_the_loaded_scope_user_and_sync_consumers_pass(check):
    assert check('''
        from channels.generic.websocket import AsyncWebsocketConsumer, WebsocketConsumer

        class ChatConsumer(AsyncWebsocketConsumer):
            async def connect(self):
                # AuthMiddleware already loaded the user: no query here
                user = self.scope["user"]
                if not user.is_authenticated:
                    await self.close()
                    return
                self.name = self.scope["user"].username
                self.orders = [order.pk async for order in user.orders.all()]
                await self.accept()

        class SyncChatConsumer(WebsocketConsumer):
            def connect(self):
                stripe_id = self.scope["user"].profile.stripe_id
                self.accept()

        class NotAConsumer:
            async def handle(self):
                return self.scope["user"].profile
        ''') == []
