from django.test import TestCase


class SleepyViewTests(TestCase):
    def test_through_client(self):
        self.assertEqual(self.client.get("/sleepy/").status_code, 200)

    async def test_through_async_client(self):
        response = await self.async_client.get("/sleepy/")
        self.assertEqual(response.status_code, 200)
