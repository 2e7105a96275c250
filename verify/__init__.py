"""django-async-kit: verify Django views after an AI converted them to ``async def``."""

__version__ = "0.1.0"
