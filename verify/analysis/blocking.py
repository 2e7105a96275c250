"""Blocking calls in async code: what blocks the event loop, which DJA3xx rule flags it, and the
async alternative to suggest.

This module is data first. The static rules (``verify/rules/dja3*.py``), the triage engine and the
runtime plugin all read the same tables:

- :data:`FUNCTIONS`: qualified function name -> :class:`Blocking` (``requests.get``, ``time.sleep``);
- :data:`CLASSES`: client and file classes whose *methods* block, keyed by the qualified name of
  what built them (``boto3.client``, ``requests.Session``, ``builtins.open``), with the methods that
  return further blocking objects (``conn.cursor()``, ``s3.Bucket(...)``);
- :data:`MODULE_OBJECTS` / :data:`SUBSCRIPT_OBJECTS`: ready-made instances (Django's ``cache``,
  ``caches[...]``, ``default_storage``);
- :data:`ANY_RECEIVER_METHODS`: method names specific enough to flag on any receiver
  (``.read_text()``, ``.set_password()``, ``.email_user()``).

:func:`match` applies them to one call in async code; :func:`code_for` names the rule for a
qualified call (``socket.socket.connect``), as a runtime detector reports it; :func:`async_http_client`
picks the async HTTP client a project already depends on, for the HTTP hint.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from verify.analysis.ast_walk import children, walk
from verify.analysis.fixes import async_http_fix, awaited_method_twin, offloaded_call, sleep_fix
from verify.analysis.registry import Rule

HTTP = "DJA301"
SLEEP = "DJA302"
FILE = "DJA303"
PROCESS = "DJA304"
NETWORK = "DJA305"
EMAIL = "DJA306"
CACHE = "DJA307"
PASSWORD = "DJA308"
CLIENT = "DJA309"
INPUT = "DJA310"
CONFIGURED = "DJA311"

# Hints. ``{client}`` is the project's async HTTP client, ``{name}`` the call as written,
# ``{method}`` the method called on a client object.
_HTTP_FIX = "use `await client.{method}(...)` on an `{client}`"
_TO_THREAD = "run it in a thread: `await asyncio.to_thread({name}, ...)`"
_FILE_FIX = "move the file work into a sync function and run it with `await asyncio.to_thread(func, ...)`"
_PROCESS_FIX = "use `proc = await asyncio.create_subprocess_exec(...)` and `await proc.communicate()`"
_SHELL_FIX = "use `proc = await asyncio.create_subprocess_shell(...)` and `await proc.wait()`"
_WAIT_FIX = "start the process with `asyncio.create_subprocess_exec` and `await proc.wait()`, or `await asyncio.to_thread({name}, ...)`"
_SOCKET_FIX = "use asyncio streams (`reader, writer = await asyncio.open_connection(host, port)`) or `await asyncio.to_thread(...)`"
_DNS_FIX = "use `await asyncio.get_running_loop().getaddrinfo(...)`"
_SMTP_FIX = "send mail from a sync function run with `await asyncio.to_thread(func, ...)` (or use `aiosmtplib`)"
_FTP_FIX = "run the transfer in a sync function with `await asyncio.to_thread(func, ...)`"
_EMAIL_FIX = "send it off the event loop: `await sync_to_async({name})(...)`"
_EMAIL_TASK_FIX = "send it from a Django task (`await send_email_task.aenqueue(...)`) or off the event loop: `await sync_to_async({name})(...)`"
_CACHE_FIX = "use the async twin: `await {receiver}.a{method}(...)`"
_CHECK_PASSWORD_FIX = "use `await {async_name}(...)` (Django 5.0+)"
_HASH_FIX = "hash off the event loop: `await sync_to_async({name}, thread_sensitive=False)(...)`"
_BOTO_FIX = "run it in a thread: `await asyncio.to_thread({name}, ...)` (or use an async SDK such as aioboto3)"
_REDIS_FIX = "use `redis.asyncio` (`redis.asyncio.Redis` / `redis.asyncio.from_url`) and `await` its commands"
_DB_FIX = "use the Django ORM's async API, an async driver (`psycopg.AsyncConnection`, `aiosqlite`, `aiomysql`), or run the SQL in a sync function with `await sync_to_async(func)()`"
_STRIPE_FIX = "use the SDK's async method (`await {name}_async(...)`) or `await asyncio.to_thread({name}, ...)`"
_INPUT_FIX = "a view cannot read the server's stdin: take the value from the request"
_SLEEP_FIX = "use `await asyncio.sleep(...)`"


@dataclass(frozen=True)
class Blocking:
    """One blocking call: the rule that flags it, what it is, and how to fix it."""

    code: str
    what: str  # "makes a sync HTTP request", for the message
    fix: str  # hint template


@dataclass(frozen=True)
class BlockingClass:
    """Objects whose methods block: clients, connections, cursors, open files."""

    code: str
    what: str
    fix: str
    methods: frozenset[str] | None = None  # blocking methods; None: every public method but ``safe``
    safe: frozenset[str] = frozenset()
    returns: dict[str, str] = field(default_factory=dict)  # method or attribute -> class key of the result
    uppercase_returns: str | None = None  # boto3 resources: ``s3.Bucket("x")`` builds a sub-resource
    attributes: str | None = None  # class key of other attributes and items: ``client.chat``, ``mongo["db"]``

    def blocks(self, method: str) -> bool:
        if self.methods is not None:
            return method in self.methods
        if method.startswith("_") or method in self.returns or method in self.safe:
            return False
        return not (self.uppercase_returns and method[:1].isupper())


FUNCTIONS: dict[str, Blocking] = {}
CLASSES: dict[str, BlockingClass] = {}


def _functions(names: str, code: str, what: str, fix: str) -> None:
    for name in names.split():
        FUNCTIONS[name] = Blocking(code, what, fix)


def _classes(names: str, spec: BlockingClass) -> None:
    for name in names.split():
        CLASSES[name] = spec


# -- HTTP (DJA301) -----------------------------------------------------------------------------
_HTTP_VERBS = "get options head post put patch delete request connect trace"
for _package in ("requests", "requests.api", "httpx", "httpx2", "niquests"):
    _functions(" ".join(f"{_package}.{verb}" for verb in _HTTP_VERBS.split()), HTTP, "makes a sync HTTP request", _HTTP_FIX)
_functions("httpx.stream httpx2.stream", HTTP, "makes a sync HTTP request", _HTTP_FIX)
_functions("urllib.request.urlopen urllib.request.urlretrieve urllib3.request", HTTP, "makes a sync HTTP request", _HTTP_FIX)

_SESSION = BlockingClass(HTTP, "makes a sync HTTP request", _HTTP_FIX,
                         methods=frozenset({*_HTTP_VERBS.split(), "send", "stream"}))
_classes("requests.Session requests.session requests.sessions.Session niquests.Session", _SESSION)
# flake8-async ASYNC212 / ruff ASYNC212: these methods of a sync httpx client.
_classes("httpx.Client httpx2.Client", BlockingClass(
    HTTP, "makes a sync HTTP request", _HTTP_FIX,
    methods=frozenset("close delete get head options patch post put request send stream".split())))
# flake8-async ASYNC212: every method of a urllib3 pool.
_classes("urllib3.HTTPConnectionPool urllib3.HTTPSConnectionPool urllib3.PoolManager urllib3.ProxyManager "
         "urllib3.connectionpool.ConnectionPool urllib3.connectionpool.HTTPConnectionPool "
         "urllib3.connectionpool.HTTPSConnectionPool urllib3.poolmanager.PoolManager "
         "urllib3.poolmanager.ProxyManager urllib3.request.RequestMethods urllib3.connection_from_url "
         "urllib3.proxy_from_url",
         BlockingClass(HTTP, "makes a sync HTTP request", _HTTP_FIX))
_classes("http.client.HTTPConnection http.client.HTTPSConnection", BlockingClass(
    HTTP, "makes a sync HTTP request", _HTTP_FIX,
    methods=frozenset("request getresponse connect send putrequest endheaders".split())))
_classes("urllib.request.build_opener", BlockingClass(HTTP, "makes a sync HTTP request", _HTTP_FIX, methods=frozenset({"open"})))

# -- sleep (DJA302) ----------------------------------------------------------------------------
_functions("time.sleep", SLEEP, "sleeps", _SLEEP_FIX)

# -- files (DJA303) ----------------------------------------------------------------------------
_OPENERS = "open builtins.open io.open io.open_code os.fdopen codecs.open gzip.open bz2.open lzma.open"
_functions(_OPENERS, FILE, "opens a file", _FILE_FIX)
_functions("tempfile.NamedTemporaryFile tempfile.TemporaryFile tempfile.TemporaryDirectory tempfile.mkstemp "
           "tempfile.mkdtemp", FILE, "creates a file on disk", _FILE_FIX)
# flake8-async ASYNC240 and ruff ASYNC240 (minus `normpath`: pure string work, see docs/blocking-parity.md).
_functions(" ".join(f"os.path.{name}" for name in (
    "_joinrealpath islink lexists ismount realpath exists isdir isfile getatime getctime getmtime getsize "
    "samefile sameopenfile relpath abspath expanduser isjunction isdevdrive").split()),
    FILE, "touches the disk", _TO_THREAD)
_functions(" ".join(f"os.{name}" for name in (
    "remove unlink rename renames replace mkdir makedirs rmdir removedirs listdir scandir walk fwalk stat lstat "
    "chmod chown lchown link symlink readlink access truncate utime statvfs sendfile read write open fsync").split()),
    FILE, "touches the disk", _TO_THREAD)
_functions(" ".join(f"shutil.{name}" for name in (
    "copy copy2 copyfile copytree copymode copystat move rmtree make_archive unpack_archive disk_usage chown"
    ).split()), FILE, "touches the disk", _TO_THREAD)  # not copyfileobj (often between in-memory buffers)
_functions("glob.glob glob.iglob pathlib.Path.cwd pathlib.Path.home", FILE, "touches the disk", _TO_THREAD)

# Methods of open files (flake8-async ASYNC232: any method of a file object).
_FILE_OBJECT = BlockingClass(FILE, "does file I/O", _FILE_FIX,
                             safe=frozenset({"fileno", "isatty", "readable", "writable", "seekable"}))
_classes(_OPENERS + " tempfile.NamedTemporaryFile tempfile.TemporaryFile io.TextIOWrapper io.BufferedReader "
         "io.BufferedWriter io.BufferedRandom io.FileIO", _FILE_OBJECT)
# pathlib: ruff ASYNC240's I/O methods, plus `open` (ruff ASYNC230) and the 3.14 copy/move methods.
_PATH_IO = frozenset((
    "absolute chmod cwd exists expanduser glob group hardlink_to home is_block_device is_char_device is_dir "
    "is_fifo is_file is_junction is_mount is_socket is_symlink iterdir lchmod link_to lstat mkdir owner "
    "read_bytes read_text readlink rename replace resolve rglob rmdir samefile stat symlink_to touch unlink "
    "walk write_bytes write_text open copy copy_into move move_into").split())
# Path-returning methods and attributes, so `Path(x).parent / "y"` stays a Path.
_PATH_RESULTS = ("absolute cwd expanduser home resolve joinpath with_name with_stem with_suffix with_segments "
                 "relative_to parent readlink rename replace").split()
_PATH = BlockingClass(FILE, "does file-system I/O", _TO_THREAD, methods=_PATH_IO,
                      returns={name: "pathlib.Path" for name in _PATH_RESULTS} | {"open": "builtins.open"})
_classes("pathlib.Path pathlib.PosixPath pathlib.WindowsPath pathlib.Path.cwd pathlib.Path.home", _PATH)
# Django's file storage API is sync (local disk or network).
_classes("django.core.files.storage.default_storage django.core.files.storage.FileSystemStorage "
         "django.core.files.storage.storages[]", BlockingClass(
    FILE, "does file-storage I/O", _FILE_FIX,
    methods=frozenset("open save delete exists listdir size get_accessed_time get_created_time "
                      "get_modified_time get_available_name".split())))

# -- processes (DJA304) ------------------------------------------------------------------------
_functions("subprocess.Popen subprocess.run subprocess.call subprocess.check_call subprocess.check_output",
           PROCESS, "runs a process and waits for it", _PROCESS_FIX)
_functions("subprocess.getoutput subprocess.getstatusoutput os.system os.popen", PROCESS,
           "runs a process and waits for it", _SHELL_FIX)
_functions("os.posix_spawn os.posix_spawnp os.spawnl os.spawnle os.spawnlp os.spawnlpe os.spawnv os.spawnve "
           "os.spawnvp os.spawnvpe", PROCESS, "starts a process", _PROCESS_FIX)
_functions("os.wait os.wait3 os.wait4 os.waitid os.waitpid", PROCESS, "waits for a process", _WAIT_FIX)
_classes("subprocess.Popen", BlockingClass(PROCESS, "waits for a process", _PROCESS_FIX,
                                           methods=frozenset({"wait", "communicate"})))

# -- network and DNS (DJA305) ------------------------------------------------------------------
_functions("socket.create_connection socket.create_server", NETWORK, "opens a socket", _SOCKET_FIX)
_functions("socket.getaddrinfo socket.gethostbyname socket.gethostbyname_ex socket.gethostbyaddr "
           "socket.getnameinfo socket.getfqdn", NETWORK, "makes a DNS lookup", _DNS_FIX)
_classes("socket.socket socket.create_connection socket.create_server ssl.SSLSocket", BlockingClass(
    NETWORK, "does socket I/O", _SOCKET_FIX,
    methods=frozenset("connect connect_ex accept recv recv_into recvfrom recvfrom_into recvmsg send sendall "
                      "sendto sendmsg sendfile".split())))
_classes("smtplib.SMTP smtplib.SMTP_SSL smtplib.LMTP", BlockingClass(
    NETWORK, "talks SMTP", _SMTP_FIX,
    methods=frozenset("connect login starttls sendmail send_message ehlo helo ehlo_or_helo_if_needed quit "
                      "noop rset verify auth docmd".split())))
_classes("ftplib.FTP ftplib.FTP_TLS", BlockingClass(
    NETWORK, "talks FTP", _FTP_FIX, safe=frozenset({"set_pasv", "set_debuglevel", "debug"})))
# Constructors that connect when given a host: flagged as calls by `_connecting_constructor`.
CONNECTING_CONSTRUCTORS = {"smtplib.SMTP": _SMTP_FIX, "smtplib.SMTP_SSL": _SMTP_FIX, "smtplib.LMTP": _SMTP_FIX,
                           "ftplib.FTP": _FTP_FIX, "ftplib.FTP_TLS": _FTP_FIX}

# -- Django email (DJA306) ---------------------------------------------------------------------
_functions("django.core.mail.send_mail django.core.mail.send_mass_mail django.core.mail.mail_admins "
           "django.core.mail.mail_managers", EMAIL, "sends email over SMTP", _EMAIL_FIX)
_classes("django.core.mail.EmailMessage django.core.mail.EmailMultiAlternatives "
         "django.core.mail.message.EmailMessage django.core.mail.message.EmailMultiAlternatives",
         BlockingClass(EMAIL, "sends email over SMTP", _EMAIL_FIX, methods=frozenset({"send"})))
_classes("django.core.mail.get_connection", BlockingClass(
    EMAIL, "sends email over SMTP", _EMAIL_FIX, methods=frozenset({"send_messages", "open"})))

# -- Django cache (DJA307) ---------------------------------------------------------------------
CACHE_METHODS = frozenset("add get set touch delete get_many get_or_set has_key incr decr set_many delete_many "
                          "clear incr_version decr_version close".split())
# django-redis extensions: sync only, no `a`-twin.
_DJANGO_REDIS_METHODS = frozenset("delete_pattern keys iter_keys ttl pttl expire persist lock".split())
_classes("django.core.cache.cache django.core.cache.caches[]",
         BlockingClass(CACHE, "calls the cache synchronously", _CACHE_FIX, methods=CACHE_METHODS | _DJANGO_REDIS_METHODS))

# -- password hashing (DJA308) -----------------------------------------------------------------
_functions("django.contrib.auth.hashers.check_password", PASSWORD, "hashes a password",
           _CHECK_PASSWORD_FIX)
_functions("django.contrib.auth.hashers.make_password", PASSWORD, "hashes a password", _HASH_FIX)

# -- cloud and database clients (DJA309) -------------------------------------------------------
_BOTO_SAFE = frozenset("get_paginator get_waiter can_paginate generate_presigned_url generate_presigned_post "
                       "meta exceptions".split())
_classes("boto3.client boto3.session.Session.client", BlockingClass(
    CLIENT, "makes an AWS API call", _BOTO_FIX, safe=_BOTO_SAFE))
_classes("boto3.resource boto3.session.Session.resource", BlockingClass(
    CLIENT, "makes an AWS API call", _BOTO_FIX, safe=_BOTO_SAFE, uppercase_returns="boto3.resource",
    returns={"meta": "boto3.resource.meta"}))
_classes("boto3.resource.meta", BlockingClass(CLIENT, "", _BOTO_FIX, methods=frozenset(), returns={"client": "boto3.client"}))
_classes("boto3.Session boto3.session.Session", BlockingClass(
    CLIENT, "", _BOTO_FIX, methods=frozenset(),
    returns={"client": "boto3.client", "resource": "boto3.resource"}))
_classes("redis.Redis redis.StrictRedis redis.from_url redis.Redis.from_url redis.StrictRedis.from_url "
         "redis.client.Redis redis.client.StrictRedis redis.RedisCluster redis.cluster.RedisCluster "
         "redis.sentinel.Sentinel.master_for django_redis.get_redis_connection", BlockingClass(
    CLIENT, "runs a Redis command", _REDIS_FIX,
    safe=frozenset("get_encoder get_connection_kwargs register_script set_response_callback".split()),
    returns={"pipeline": "redis.pipeline", "pubsub": "redis.pubsub", "lock": "redis.lock"}))
_classes("redis.pipeline", BlockingClass(CLIENT, "runs a Redis command", _REDIS_FIX,
                                         methods=frozenset({"execute", "watch", "unwatch"})))
_classes("redis.pubsub", BlockingClass(CLIENT, "runs a Redis command", _REDIS_FIX))
_classes("redis.lock", BlockingClass(CLIENT, "runs a Redis command", _REDIS_FIX,
                                     methods=frozenset({"acquire", "release", "extend", "reacquire", "locked", "owned"})))
_DB_CONNECT = ("psycopg2.connect psycopg.connect psycopg.Connection.connect sqlite3.connect pymysql.connect "
               "pymysql.connections.Connection MySQLdb.connect mysql.connector.connect")
_functions(_DB_CONNECT, CLIENT, "opens a database connection", _DB_FIX)
_DB_WORK = frozenset("execute executemany executescript fetchone fetchmany fetchall callproc copy_expert "
                     "copy_from copy_to scroll nextset commit rollback".split())
# Connections by constructor and by class (annotations, runtime names such as `sqlite3.Connection.execute`).
_classes(_DB_CONNECT + " sqlite3.Connection psycopg.Connection psycopg2.extensions.connection", BlockingClass(
    CLIENT, "talks to the database", _DB_FIX, methods=_DB_WORK, returns={"cursor": "dbapi.cursor"}))
_classes("dbapi.cursor sqlite3.Cursor psycopg.Cursor psycopg2.extensions.cursor pymysql.cursors.Cursor",
         BlockingClass(CLIENT, "talks to the database", _DB_FIX, methods=_DB_WORK))
# Stripe's Python SDK: `stripe.<Resource>.<action>()` is a sync HTTP call; `<action>_async` is its twin.
STRIPE_ACTIONS = frozenset("create retrieve modify delete list search capture confirm cancel refund pay "
                           "finalize_invoice void_invoice send_invoice".split())

_PSYCOPG_POOL = BlockingClass(CLIENT, "waits for a database connection", _DB_FIX,
                              methods=frozenset({"connection", "getconn", "wait", "open", "check"}),
                              returns={"connection": "psycopg.connect", "getconn": "psycopg.connect"})
_classes("psycopg_pool.ConnectionPool", _PSYCOPG_POOL)
# Service SDKs whose sync clients are reached through attributes: `client.chat.completions.create()`.
_SDK_FIX = "use the SDK's async client ({client}) and `await` the call, or `await asyncio.to_thread(...)`"
_AI_METHODS = frozenset("create list retrieve delete update cancel parse stream upload content count_tokens "
                        "create_and_poll poll submit_tool_outputs".split())
for _client, _async in (("openai.OpenAI openai.AzureOpenAI openai.Client", "`openai.AsyncOpenAI`"),
                        ("anthropic.Anthropic anthropic.Client", "`anthropic.AsyncAnthropic`")):
    _resource = _client.split()[0] + ".resource"
    _classes(_client, BlockingClass(CLIENT, "calls the API over HTTP", _SDK_FIX.format(client=_async), methods=frozenset(),
                                    attributes=_resource))
    _classes(_resource, BlockingClass(CLIENT, "calls the API over HTTP", _SDK_FIX.format(client=_async),
                                      methods=_AI_METHODS, attributes=_resource))
_GENAI_METHODS = frozenset("generate_content generate_content_stream embed_content count_tokens generate_images "
                           "create get list delete upload send_message send_message_stream".split())
_classes("google.genai.Client", BlockingClass(CLIENT, "calls the API over HTTP", _SDK_FIX.format(client="`client.aio`"),
                                              methods=frozenset(), attributes="google.genai.resource"))
_classes("google.genai.resource", BlockingClass(CLIENT, "calls the API over HTTP", _SDK_FIX.format(client="`client.aio`"),
                                                methods=_GENAI_METHODS, attributes="google.genai.resource"))
_STRIPE_CLIENT_FIX = "use the `_async` method (`await client.payment_intents.create_async(...)`)"
_classes("stripe.StripeClient", BlockingClass(CLIENT, "makes a Stripe API call", _STRIPE_CLIENT_FIX, methods=frozenset(),
                                              attributes="stripe.resource"))
_classes("stripe.resource", BlockingClass(CLIENT, "makes a Stripe API call", _STRIPE_CLIENT_FIX,
                                          methods=STRIPE_ACTIONS | {"update"}, attributes="stripe.resource"))
_functions("openai.ChatCompletion.create openai.Completion.create openai.Embedding.create openai.Image.create",
           CLIENT, "calls the API over HTTP", _SDK_FIX.format(client="`openai.AsyncOpenAI`"))
_MONGO_FIX = _SDK_FIX.format(client="`pymongo.AsyncMongoClient` or Motor")
_classes("pymongo.MongoClient", BlockingClass(
    CLIENT, "queries MongoDB", _MONGO_FIX, methods=frozenset({"list_database_names", "server_info", "drop_database"}),
    attributes="pymongo.database", returns={"get_database": "pymongo.database", "get_default_database": "pymongo.database"}))
_classes("pymongo.database", BlockingClass(
    CLIENT, "queries MongoDB", _MONGO_FIX, methods=frozenset({"list_collection_names", "command", "drop_collection", "create_collection"}),
    attributes="pymongo.collection", returns={"get_collection": "pymongo.collection"}))
_classes("pymongo.collection", BlockingClass(CLIENT, "queries MongoDB", _MONGO_FIX, methods=frozenset((
    "find find_one insert_one insert_many update_one update_many replace_one delete_one delete_many count_documents "
    "estimated_document_count aggregate distinct find_one_and_update find_one_and_delete find_one_and_replace "
    "bulk_write create_index drop").split())))
_ES_FIX = _SDK_FIX.format(client="`elasticsearch.AsyncElasticsearch`")
_classes("elasticsearch.Elasticsearch", BlockingClass(CLIENT, "queries Elasticsearch", _ES_FIX,
                                                      safe=frozenset({"options"}), attributes="elasticsearch.namespace"))
_classes("elasticsearch.namespace", BlockingClass(CLIENT, "queries Elasticsearch", _ES_FIX))
_GCS_FIX = "run it in a thread: `await asyncio.to_thread({name}, ...)`"
_classes("google.cloud.storage.Client", BlockingClass(
    CLIENT, "calls Google Cloud Storage", _GCS_FIX,
    methods=frozenset({"get_bucket", "list_buckets", "list_blobs", "create_bucket", "lookup_bucket"}),
    returns={"bucket": "google.cloud.storage.Bucket", "get_bucket": "google.cloud.storage.Bucket"}))
_classes("google.cloud.storage.Bucket", BlockingClass(
    CLIENT, "calls Google Cloud Storage", _GCS_FIX,
    methods=frozenset("exists reload delete list_blobs get_blob create patch update copy_blob delete_blob rename_blob".split()),
    returns={"blob": "google.cloud.storage.Blob", "get_blob": "google.cloud.storage.Blob"}))
_classes("google.cloud.storage.Blob", BlockingClass(CLIENT, "calls Google Cloud Storage", _GCS_FIX, methods=frozenset((
    "upload_from_string upload_from_filename upload_from_file download_as_bytes download_as_string download_as_text "
    "download_to_filename download_to_file exists delete reload patch update rewrite compose make_public").split())))
_classes("twilio.rest.Client", BlockingClass(CLIENT, "calls the Twilio API", _TO_THREAD, methods=frozenset(),
                                             attributes="twilio.resource"))
_classes("twilio.resource", BlockingClass(CLIENT, "calls the Twilio API", _TO_THREAD,
                                          methods=frozenset("create fetch update delete list stream page".split()),
                                          attributes="twilio.resource"))
_classes("sendgrid.SendGridAPIClient", BlockingClass(CLIENT, "calls the SendGrid API", _TO_THREAD, methods=frozenset({"send"})))
_classes("slack_sdk.WebClient", BlockingClass(CLIENT, "calls the Slack API", _SDK_FIX.format(client="`slack_sdk.web.async_client.AsyncWebClient`")))
_classes("requests_oauthlib.OAuth2Session requests_oauthlib.OAuth1Session requests_cache.CachedSession", _SESSION)
_classes("jwt.PyJWKClient", BlockingClass(HTTP, "fetches signing keys over HTTP", _TO_THREAD, methods=frozenset(
    "get_signing_key_from_jwt get_signing_keys get_signing_key fetch_data get_jwk_set".split())))
_functions("google.oauth2.id_token.verify_oauth2_token google.oauth2.id_token.verify_token "
           "google.oauth2.id_token.fetch_id_token", HTTP, "fetches Google's certificates over HTTP", _TO_THREAD)
_functions("dns.resolver.resolve dns.resolver.query", NETWORK, "makes a DNS lookup", _DNS_FIX)
_classes("dns.resolver.Resolver", BlockingClass(NETWORK, "makes a DNS lookup", _DNS_FIX, methods=frozenset({"resolve", "query"})))
# Password hashing outside Django: deliberately slow CPU work.
_functions("bcrypt.hashpw bcrypt.checkpw bcrypt.kdf hashlib.pbkdf2_hmac hashlib.scrypt", PASSWORD, "hashes a password",
           _TO_THREAD)
_classes("argon2.PasswordHasher", BlockingClass(PASSWORD, "hashes a password", _TO_THREAD, methods=frozenset({"hash", "verify"})))

# -- input (DJA310) ----------------------------------------------------------------------------
_functions("input builtins.input", INPUT, "reads the server's stdin", _INPUT_FIX)

# Ready-made objects: qualified name -> class key.
MODULE_OBJECTS = {"django.core.cache.cache": "django.core.cache.cache",
                  "django.core.files.storage.default_storage": "django.core.files.storage.default_storage"}
# Objects indexed into a client: ``caches["default"]``.
SUBSCRIPT_OBJECTS = {"django.core.cache.caches": "django.core.cache.caches[]",
                     "django.core.files.storage.storages": "django.core.files.storage.storages[]"}
# Method names specific enough to flag on any receiver (unless awaited).
ANY_RECEIVER_METHODS: dict[str, Blocking] = {
    "read_text": Blocking(FILE, "reads a file", _TO_THREAD),
    "read_bytes": Blocking(FILE, "reads a file", _TO_THREAD),
    "write_text": Blocking(FILE, "writes a file", _TO_THREAD),
    "write_bytes": Blocking(FILE, "writes a file", _TO_THREAD),
    "set_password": Blocking(PASSWORD, "hashes a password", _HASH_FIX),
    "check_password": Blocking(PASSWORD, "hashes a password", _CHECK_PASSWORD_FIX),
    "email_user": Blocking(EMAIL, "sends email over SMTP", _EMAIL_FIX),
}
# flake8-async ASYNC211: with urllib3 imported, `x.request("GET", ...)` is a sync HTTP call.
URLLIB3_VERBS = frozenset("get options head post put patch delete trace connect".split())


# -- typing helpers used by verify/inference.py ------------------------------------------------
def result_class(cls: str, method: str) -> str | None:
    """Class key of the result of ``obj.method(...)`` when ``obj`` was built by ``cls``."""
    spec = CLASSES.get(cls)
    if spec is None:
        return None
    if method in spec.returns:
        return spec.returns[method]
    if spec.uppercase_returns and method[:1].isupper():
        return spec.uppercase_returns
    return None


def attribute_class(cls: str, name: str | None) -> str | None:
    """Class key of ``obj.name`` (``obj[...]`` when ``name`` is None) when ``obj`` was built by ``cls``."""
    spec = CLASSES.get(cls)
    if spec is None:
        return None
    if name is not None and (name in spec.returns or name.startswith("_")):
        return spec.returns.get(name)
    return spec.attributes


def item_class(cls: str) -> str | None:
    """Class key of ``obj[...]`` for ``caches`` / ``storages``."""
    return SUBSCRIPT_OBJECTS.get(cls)


def code_for(name: str) -> str | None:
    """The DJA3xx code for a qualified function (``time.sleep``) or ``module.Class.method``
    (``socket.socket.connect``, ``requests.Session.get``), as a runtime tool names the call it caught."""
    if name in FUNCTIONS:
        return FUNCTIONS[name].code
    owner, _, method = name.rpartition(".")
    spec = CLASSES.get(owner)
    return spec.code if spec is not None and spec.blocks(method) else None


# -- the project's async HTTP client -----------------------------------------------------------
_CLIENT_CLASSES = {"httpx2": "httpx2.AsyncClient", "httpx": "httpx.AsyncClient", "aiohttp": "aiohttp.ClientSession"}


# The name a cached result lists among its dependencies when its hints name the project's client:
# the cache asks for the client again before it reuses the result (verify.pipeline.cache).
HTTP_CLIENT_FACT = "<the project's async HTTP client>"


def async_http_client(root: Path) -> str:
    """The async client class to recommend: the one ``init`` names for the project
    (:func:`verify.project.http_client.project_client`)."""
    from verify.project.http_client import project_client

    return _CLIENT_CLASSES[project_client(root)]


@lru_cache(maxsize=256)
def _project_root(folder: str) -> Path:
    from verify.project.target import find_root

    return find_root(Path(folder or "."))


# -- matching one call -------------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    code: str
    message: str
    hint: str


def _format(template: str, ctx, **values: str) -> str:
    if "{client}" in template:
        client = async_http_client(_project_root(str(Path(ctx.file.path).parent.resolve())))
        if ctx.file.project is not None:
            ctx.file.project.touched.add(HTTP_CLIENT_FACT)
        values["client"] = client
        if client.startswith("aiohttp"):
            template = template.replace("`await client.{method}(...)` on an `{client}`",
                                        "`async with session.{method}(...) as response:` on an `{client}`")
    if template in (_EMAIL_FIX, _EMAIL_TASK_FIX) and ctx.version >= (6, 0):
        template = _EMAIL_TASK_FIX
    values.setdefault("method", "get")
    return template.format(**values)


# function node -> its facts. Keyed by node (not just the last one) because the walk of an async
# function interleaves with the walks of the sync helpers it calls (verify/summaries.py).
_FACTS: dict[ast.AST, "_FunctionFacts"] = {}


@dataclass(frozen=True)
class _FunctionFacts:
    local: frozenset[str]  # parameters and assigned names: they shadow imports and module objects
    declared: dict[str, str]  # name -> blocking class, from annotations (``client: httpx.Client``)


_DEFINITIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
# Assignment targets that hold the names they bind.
_TARGETS = frozenset({ast.Tuple, ast.List, ast.Starred})


def _facts(ctx) -> _FunctionFacts:
    function = ctx.function
    if function in _FACTS:
        return _FACTS[function]
    local: set[str] = set()
    declared: dict[str, str] = {}
    rebound: set[str] = set()
    if function is not None:
        for arg in walk(function.args):
            if type(arg) is ast.arg:
                local.add(arg.arg)
                cls = _annotation_class(arg.annotation, ctx)
                if cls:
                    declared[arg.arg] = cls
        # One breadth-first walk (the first annotation of a name wins), written out because it
        # runs for every function: names and constants, most of the nodes, have no children.
        # Inside an expression only a comprehension or `:=` binds a name, and either puts its
        # `for` or `:=` on one of the expression's lines: other expressions are not entered.
        lines = ctx.file.lines
        first = min([function.lineno, *(decorator.lineno for decorator in function.decorator_list)])
        binding_lines = {number for number in range(first, min(function.end_lineno, len(lines)) + 1)
                         if "for" in lines[number - 1] or ":=" in lines[number - 1]}
        todo = deque([function])
        while todo:
            node = todo.popleft()
            node_type = type(node)
            if node_type is ast.Name:
                if type(node.ctx) is ast.Store:
                    local.add(node.id)
                    rebound.add(node.id)
            elif node_type is ast.AnnAssign and type(node.target) is ast.Name:
                local.add(node.target.id)  # annotated, not rebound
                cls = _annotation_class(node.annotation, ctx)
                if cls:
                    declared.setdefault(node.target.id, cls)
                todo.append(node.annotation)
                if node.value is not None:
                    todo.append(node.value)
            elif node_type is not ast.Constant:
                if node_type not in _TARGETS and isinstance(node, ast.expr) and not (
                        node.lineno in binding_lines if node.lineno == node.end_lineno
                        else any(number in binding_lines for number in range(node.lineno, node.end_lineno + 1))):
                    continue
                if node_type in _DEFINITIONS and node is not function:
                    local.add(node.name)  # `def open(): ...` shadows the builtin
                todo.extend(children(node))
    facts = _FunctionFacts(frozenset(local), {k: v for k, v in declared.items() if k not in rebound})
    if len(_FACTS) > 256:  # keep memory flat over large code bases
        _FACTS.clear()
    _FACTS[function] = facts
    return facts


def _root_name(expr: ast.expr) -> str | None:
    while isinstance(expr, (ast.Attribute, ast.Subscript, ast.Call)):
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _qualified(expr: ast.expr, ctx) -> str | None:
    """The import-resolved name, unless its root is a local variable of the function."""
    root = _root_name(expr)
    if root is None or root in _facts(ctx).local:
        return None
    if root not in ctx.file.imports and (root in ctx.file.sync_functions or root in ctx.file.async_functions):
        return None  # a module-level `def open(...)`
    return ctx.qualified(expr)


def _annotation_class(annotation: ast.expr | None, ctx) -> str | None:
    """``Client``, ``Client | None``, ``Optional[Client]`` -> the qualified class when it blocks."""
    if annotation is None:
        return None
    candidates = [annotation]
    if isinstance(annotation, ast.BinOp):
        candidates = [annotation.left, annotation.right]
    elif isinstance(annotation, ast.Subscript) and (ctx.qualified(annotation.value) or "").endswith(("Optional", "Union")):
        inner = annotation.slice
        candidates = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
    for candidate in candidates:
        name = ctx.qualified(candidate) if isinstance(candidate, (ast.Name, ast.Attribute)) else None
        if name in CLASSES:
            return name
    return None


def receiver_class(expr: ast.expr, ctx) -> str | None:
    """The :data:`CLASSES` key of the object a method is called on, if its methods block."""
    facts = _facts(ctx)
    if isinstance(expr, ast.Name) and expr.id in facts.local and expr.id not in ctx.typer.env:
        return facts.declared.get(expr.id)
    value = ctx.type_of(expr)
    if value is not None:
        return value.cls if value.kind == "object" and value.cls in CLASSES else None
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "self" and ctx.class_name:
        return _instance_attribute_class(ctx, expr.attr)
    if isinstance(expr, ast.Subscript):
        return SUBSCRIPT_OBJECTS.get(_qualified(expr.value, ctx) or "")
    if isinstance(expr, ast.Name) and expr.id not in ctx.file.imports and expr.id not in ctx.file.module_values:
        return _closure_class(expr.id, ctx)
    if isinstance(expr, (ast.Name, ast.Attribute)):
        return MODULE_OBJECTS.get(_qualified(expr, ctx) or "")
    return None


def _closure_class(name: str, ctx) -> str | None:
    """A client an enclosing function binds once: ``client = httpx2.Client()`` in the view, used by
    a nested ``async def fetch(url): client.get(url)``."""
    node = ctx.parent(ctx.function) if ctx.function is not None else None
    while node is not None and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
        node = ctx.parent(node)
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for arg in ast.walk(node.args):
        if isinstance(arg, ast.arg) and arg.arg == name:
            return _annotation_class(arg.annotation, ctx)
    bound = [item for item in ast.walk(node)
             if isinstance(item, ast.Name) and item.id == name and isinstance(item.ctx, ast.Store)]
    values = [parent.value for parent in ast.walk(node) if isinstance(parent, ast.Assign)
              and len(parent.targets) == 1 and parent.targets[0] in bound]
    values += [item.context_expr for item in ast.walk(node) if isinstance(item, ast.withitem) and item.optional_vars in bound]
    if len(bound) != 1 or len(values) != 1 or not isinstance(values[0], ast.Call):
        return None
    value = ctx.typer.module_scope().type_of(values[0])
    return value.cls if value is not None and value.kind == "object" and value.cls in CLASSES else None


# One file can list its own blocking calls, like flake8-async's `# ARG --async200-blocking-calls=`:
#     # django-async-kit: blocking-call mylib.fetch -> use `await mylib.afetch(...)`
_PRAGMA = re.compile(r"#\s*django-async-kit:\s*blocking-call\s+(?P<pattern>\S+)(?:\s*->\s*(?P<hint>.*))?")
_PRAGMAS: list = [None, {}]  # (source, patterns) of the file being checked


def _pragmas(source: str) -> dict[str, str]:
    if _PRAGMAS[0] is not source:
        found = {}
        if "django-async-kit:" in source:
            for line_match in _PRAGMA.finditer(source):
                found[line_match["pattern"]] = (line_match["hint"] or "").strip() or "use its async alternative"
        _PRAGMAS[0], _PRAGMAS[1] = source, found
    return _PRAGMAS[1]


_INSTANCE_ATTRIBUTES: dict = {}  # (file, class name) -> {attribute: class key}


def _instance_attribute_class(ctx, attribute: str) -> str | None:
    """``self.session`` when the class sets it once, from a blocking constructor: a class attribute
    ``session = requests.Session()`` or ``self.session = requests.Session()`` in a method."""
    key = (id(ctx.file), ctx.class_name)
    cached = _INSTANCE_ATTRIBUTES.get(key)
    if cached is None or cached[0] is not ctx.file:
        values: dict[str, list[ast.expr]] = {}
        for owner in (n for n in ctx.file.tree.body if isinstance(n, ast.ClassDef) and n.name == ctx.class_name):
            for node in owner.body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    values.setdefault(node.targets[0].id, []).append(node.value)
            for node in ast.walk(owner):
                if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                    for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                            values.setdefault(target.attr, []).append(getattr(node, "value", None))
        typer = ctx.typer.module_scope()
        classes = {}
        for name, assigned in values.items():
            found = typer.type_of(assigned[0]) if len(assigned) == 1 and isinstance(assigned[0], (ast.Call, ast.Subscript)) else None
            if found is not None and found.kind == "object" and found.cls in CLASSES:
                classes[name] = found.cls
        if len(_INSTANCE_ATTRIBUTES) > 64:
            _INSTANCE_ATTRIBUTES.clear()
        cached = _INSTANCE_ATTRIBUTES[key] = (ctx.file, classes)
    return cached[1].get(attribute)


_CONFIGURED: list = [None, None]  # (file, its configured calls): asked for each call of the file


def _configured(ctx) -> tuple[dict[str, str], list[str]]:
    """``blocking-calls`` (pattern -> hint) and ``allowed-calls`` from the config and the file's pragmas."""
    if _CONFIGURED[0] is not ctx.file:
        extra = ctx.file.options.get("extra") or {}
        blocking = extra.get("blocking-calls") or {}
        allowed = extra.get("allowed-calls") or []
        blocking = {**(blocking if isinstance(blocking, dict) else {}), **_pragmas(ctx.file.source)}
        _CONFIGURED[0], _CONFIGURED[1] = ctx.file, (blocking, (allowed if isinstance(allowed, list) else []))
    return _CONFIGURED[1]


def _matches_any(names: list[str], patterns) -> str | None:
    for pattern in patterns:
        if any(name and fnmatch.fnmatchcase(name, pattern) for name in names):
            return pattern
    return None


def match(node: ast.Call, ctx) -> Match | None:
    """The blocking call ``node`` makes in async code, or None. Directly awaited calls never match."""
    if isinstance(ctx.parent(node), ast.Await):
        return None
    func = node.func
    qualified = _qualified(func, ctx) if isinstance(func, (ast.Name, ast.Attribute)) else None
    cls = receiver_class(func.value, ctx) if isinstance(func, ast.Attribute) else None
    blocking_calls, allowed = _configured(ctx)
    if blocking_calls or allowed:
        names = [qualified or "", ctx.source(func, 40)]
        if cls is not None:
            names.append(f"{cls}.{func.attr}")
        if _matches_any(names, allowed):
            return None
        pattern = _matches_any(names, blocking_calls)
        if pattern is not None:
            return Match(CONFIGURED, f"`{names[1]}()` is configured as blocking (`{pattern}`)", str(blocking_calls[pattern]))
    # The call's text (for the messages) is read only once it matches.
    if qualified in FUNCTIONS:
        return _found(FUNCTIONS[qualified], func, ctx, qualified=qualified)
    if qualified in CONNECTING_CONSTRUCTORS and (node.args or any(k.arg == "host" for k in node.keywords)):
        written = ctx.source(func, 40)
        return Match(NETWORK, f"`{written}(host)` connects to the server, blocking the event loop",
                     CONNECTING_CONSTRUCTORS[qualified].format(name=written))
    if qualified and _is_stripe_call(qualified):
        written = ctx.source(func, 40)
        return Match(CLIENT, f"`{written}()` makes a Stripe API call, blocking the event loop", _STRIPE_FIX.format(name=written))
    if not isinstance(func, ast.Attribute):
        return None
    method = func.attr
    if cls is not None and CLASSES[cls].blocks(method) and not _non_blocking_socket(node, cls, ctx):
        spec = CLASSES[cls]
        blocking = Blocking(spec.code, spec.what, spec.fix)
        return _found(blocking, func, ctx, method=method, receiver=ctx.source(func.value, 30))
    if _async_protocol(node, ctx):  # only a name to go on, and the code treats the result as async
        return None
    if method in ANY_RECEIVER_METHODS and cls is None:
        return _found(ANY_RECEIVER_METHODS[method], func, ctx, method=method, receiver=ctx.source(func.value, 30))
    if method == "request" and cls is None and ctx.type_of(func.value) is None and _urllib3_request(node, ctx):
        return _found(Blocking(HTTP, "makes a sync HTTP request", _HTTP_FIX), func, ctx, method=node.args[0].value.lower())
    return None


def _non_blocking_socket(call: ast.Call, cls: str, ctx) -> bool:
    """A socket in non-blocking mode does not block: the function calls ``sock.setblocking(False)``,
    or the call sits in a ``try`` that handles ``BlockingIOError``."""
    receiver = call.func.value
    if not cls.startswith("socket.") or not isinstance(receiver, ast.Name) or ctx.function is None:
        return False
    node = ctx.parent(call)
    while node is not None and node is not ctx.function:
        if isinstance(node, ast.Try) and any("BlockingIOError" in ast.unparse(h.type) for h in node.handlers if h.type):
            return True
        node = ctx.parent(node)
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "setblocking"
               and isinstance(n.func.value, ast.Name) and n.func.value.id == receiver.id
               and n.args and isinstance(n.args[0], ast.Constant) and not n.args[0].value
               for n in ast.walk(ctx.function))


# Calls that take an awaitable: what is handed to them is used as a coroutine.
_AWAITABLE_TAKERS = frozenset("gather create_task ensure_future wait_for shield wait as_completed "
                              "run_coroutine_threadsafe start_soon".split())


def _async_protocol(node: ast.Call, ctx) -> bool:
    """``async with call(...)``, ``async for x in call(...)``, ``asyncio.gather(call(...))``: the code
    uses the call's result as an async object."""
    child, parent = node, ctx.parent(node)
    while isinstance(parent, (ast.Starred, ast.List, ast.Tuple, ast.ListComp, ast.GeneratorExp)):
        if isinstance(parent, (ast.ListComp, ast.GeneratorExp)) and parent.elt is not child:
            break
        child, parent = parent, ctx.parent(parent)
    if isinstance(parent, ast.Call) and child is not parent.func:
        taker = parent.func
        name = taker.attr if isinstance(taker, ast.Attribute) else taker.id if isinstance(taker, ast.Name) else ""
        return name in _AWAITABLE_TAKERS
    if isinstance(parent, ast.withitem):
        return isinstance(ctx.parent(parent), ast.AsyncWith)
    if isinstance(parent, ast.AsyncFor):
        return parent.iter is node
    return isinstance(parent, ast.comprehension) and parent.is_async and parent.iter is node


def _is_stripe_call(qualified: str) -> bool:
    parts = qualified.split(".")
    return len(parts) >= 3 and parts[0] == "stripe" and parts[-1] in STRIPE_ACTIONS and parts[-2][:1].isupper()


def _urllib3_request(node: ast.Call, ctx) -> bool:
    first = node.args[0] if node.args else None
    return (isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.lower() in URLLIB3_VERBS
            and any(q == "urllib3" or q.startswith("urllib3.") for q in ctx.file.imports.values()))


def _found(blocking: Blocking, func: ast.expr, ctx, *, qualified: str = "", method: str = "", receiver: str = "") -> Match:
    written = ctx.source(func, 40)
    message = f"`{written}()` {blocking.what}, blocking the event loop"
    fix = blocking.fix
    values = {"name": written, "method": method or (qualified.rsplit(".", 1)[-1] if qualified else "get"),
              "receiver": receiver}
    if fix == _CACHE_FIX and method not in CACHE_METHODS:
        fix = "it has no async twin: `await sync_to_async({receiver}.{method})(...)`"
    if fix == _CHECK_PASSWORD_FIX:
        values["async_name"] = f"{receiver}.acheck_password" if receiver else "acheck_password"
        if ctx.version < (5, 0):
            fix = _HASH_FIX
    if fix == _HTTP_FIX and values["method"] not in _HTTP_VERBS.split() + ["stream"]:
        values["method"] = "get"
    return Match(blocking.code, message, _format(fix, ctx, **values))


_EMAIL_REASON = "the mail is sent in a worker thread, still within the request: the response waits for the mail server"


def report(node: ast.Call, ctx, rules: dict[str, Rule]) -> None:
    """The visitor every DJA3xx rule registers. The engine runs it once per call for all of them
    (``rules``: the enabled ones, by code): the call's match says which rule owns the finding."""
    if isinstance(ctx.function, ast.FunctionDef) and _is_generator(ctx.function):
        # A sync helper's body is checked for the async code that calls it. Calling a generator
        # function runs none of its body; Django iterates a sync generator handed to
        # StreamingHttpResponse in a thread.
        return
    if ctx.once:
        return  # `if self._client is None: self._client = connect()`: once per process, not per request
    found = match(node, ctx)
    if found is not None and found.code in rules:
        fix = None
        if found.code == SLEEP and ctx.qualified(node.func) == "time.sleep":
            fix = sleep_fix(node, ctx)
        elif found.code == CACHE and isinstance(node.func, ast.Attribute) and node.func.attr in CACHE_METHODS:
            fix = awaited_method_twin(node, "a" + node.func.attr, ctx)
        elif found.code == EMAIL:
            fix = offloaded_call(node, ctx, _EMAIL_REASON)
        elif found.code == HTTP and (ctx.qualified(node.func) or "") in FUNCTIONS:
            client = async_http_client(_project_root(str(Path(ctx.file.path).parent.resolve())))
            fix = async_http_fix(node, ctx.qualified(node.func), client, ctx)
        ctx.report(node, found.message, found.hint, rule=rules[found.code], fix=fix)


_GENERATOR: list = [None, False]  # (function, whether it is a generator function)


def _is_generator(function: ast.FunctionDef) -> bool:
    if _GENERATOR[0] is not function:
        stack, found = list(function.body), False
        while stack and not found:
            node = stack.pop()
            found = isinstance(node, (ast.Yield, ast.YieldFrom))
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.extend(ast.iter_child_nodes(node))
        _GENERATOR[0], _GENERATOR[1] = function, found
    return _GENERATOR[1]
