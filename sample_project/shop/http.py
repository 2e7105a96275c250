"""Shared settings for the clients that call the external APIs.

Building a TLS context loads the CA bundle: about 40 ms of CPU on the benchmark machine, more than
a whole request to a nearby API. httpx2 builds one per client unless it is given one, so the views,
which open a client per request, share this one.
"""

import httpx2

TLS_CONTEXT = httpx2.create_ssl_context()
