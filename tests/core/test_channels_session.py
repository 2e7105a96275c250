"""DJA108 on a Channels consumer's scope["session"] (Channels' SessionMiddleware, a lazy SessionStore)."""


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
