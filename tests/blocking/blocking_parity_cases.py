"""Parity cases: every function flake8-async's ASYNC2xx and ruff's ASYNC2xx rules flag (lists in
/work/shared/reference/linter-anchors.md, from flake8-async 26.8.1 and ruff 0.17.6), and the Django
and cloud-client calls neither of them flags, each as one call in an async view with its imports
resolved (as ruff does), with the DJA code that must flag it.

``docs/blocking-parity.md`` is rendered from these rows; ``python tests/blocking/blocking_parity_cases.py``
rewrites it, and ``test_blocking_parity.py`` checks both the file and every row.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "blocking-parity.md"
FLAKE8 = "flake8-async"
RUFF = "ruff"
BOTH = f"{FLAKE8}, {RUFF}"
NEITHER = "neither"


@dataclass(frozen=True)
class Case:
    family: str  # the linter code, or the kind of call for the ones neither linter flags
    linters: str  # which linters flag it
    function: str  # what the table lists
    setup: str  # imports and module-level lines
    call: str  # the statement inside the async view; it must be reported on its line
    code: str  # the DJA code that flags it here
    note: str = ""

    def source(self) -> str:
        return f"{self.setup}\n\n\nasync def view(request, url):\n    {self.call}\n"


def _verbs(package: str, verbs: str, linters: str) -> list[Case]:
    return [Case("ASYNC210", linters, f"{package}.{verb}", f"import {package}", f"{package}.{verb}(url)", "DJA301")
            for verb in verbs.split()]


_VERBS = "get options head post put patch delete"
CASES: list[Case] = [
    # -- ASYNC200: user-configured blocking calls --------------------------------------------------
    Case("ASYNC200", FLAKE8, "configured name (`mylib.fetch`)",
         "import mylib\n# django-async-kit: blocking-call mylib.fetch -> use mylib.afetch", "mylib.fetch(url)", "DJA311",
         "`blocking-calls` in `[tool.django-async-kit]`, or a file pragma"),
    Case("ASYNC200", FLAKE8, "fnmatch pattern (`*.postwild`)",
         "# django-async-kit: blocking-call *.postwild -> use the async one", "client.postwild(url)", "DJA311"),
    Case("ASYNC200", FLAKE8, "fnmatch pattern (`prewild.*`)",
         "import prewild\n# django-async-kit: blocking-call prewild.* -> use the async one", "prewild.call(url)", "DJA311"),
    # -- ASYNC210: sync HTTP module functions --------------------------------------------------------
    *_verbs("requests", _VERBS, BOTH),
    *_verbs("requests", "request", FLAKE8),
    *_verbs("requests", "connect trace", RUFF),
    *_verbs("httpx", _VERBS, BOTH),
    *_verbs("httpx", "request", FLAKE8),
    *_verbs("httpx", "connect trace", RUFF),
    *_verbs("httpx2", _VERBS + " request", FLAKE8),
    Case("ASYNC210", BOTH, "urllib3.request", "import urllib3", "urllib3.request('GET', url)", "DJA301"),
    Case("ASYNC210", BOTH, "urllib.request.urlopen", "import urllib.request", "urllib.request.urlopen(url)", "DJA301"),
    Case("ASYNC210", FLAKE8, "request.urlopen (`from urllib import request`)", "from urllib import request as urllib_request",
         "urllib_request.urlopen(url)", "DJA301"),
    Case("ASYNC210", FLAKE8, "urlopen (`from urllib.request import urlopen`)", "from urllib.request import urlopen",
         "urlopen(url)", "DJA301"),
    # -- ASYNC211: `x.request("VERB", ...)` with urllib3 imported -------------------------------------
    *[Case("ASYNC211", FLAKE8, f'<any>.request("{verb}", ...)', "import urllib3\n\nhttp = make_pool()",
           f'http.request("{verb}", url)', "DJA301")
      for verb in "GET OPTIONS HEAD POST PUT PATCH DELETE TRACE CONNECT".split()],
    # -- ASYNC212: methods of sync HTTP client objects ----------------------------------------------
    *[Case("ASYNC212", BOTH, f"httpx.Client().{method}", "import httpx", f"httpx.Client().{method}(url)", "DJA301")
      for method in "close delete get head options patch post put request send stream".split()],
    *[Case("ASYNC212", FLAKE8, f"httpx2.Client().{method}", "import httpx2", f"httpx2.Client().{method}(url)", "DJA301")
      for method in "close delete get head options patch post put request send stream".split()],
    Case("ASYNC212", BOTH, "client assigned at module level", "import httpx\n\nclient = httpx.Client()", "client.get(url)", "DJA301"),
    Case("ASYNC212", BOTH, "parameter annotated `httpx.Client`", "import httpx\n\n\nasync def fetch(client: httpx.Client):\n    client.get('u')",
         "pass", "DJA301", "reported in `fetch`"),
    Case("ASYNC212", BOTH, "parameter annotated `httpx.Client | None`", "import httpx\n\n\nasync def fetch(client: httpx.Client | None):\n    client.post('u')",
         "pass", "DJA301", "reported in `fetch`"),
    Case("ASYNC212", BOTH, "parameter annotated `Optional[httpx.Client]`",
         "from typing import Optional\nimport httpx\n\n\nasync def fetch(client: Optional[httpx.Client]):\n    client.put('u')",
         "pass", "DJA301", "reported in `fetch`"),
    *[Case("ASYNC212", FLAKE8, f"{cls}(...).urlopen", "import urllib3\nimport urllib3.connectionpool\nimport urllib3.poolmanager\nimport urllib3.request",
           f"pool = {cls}('host')\n    pool.urlopen('GET', url)", "DJA301")
      for cls in ("urllib3.HTTPConnectionPool", "urllib3.HTTPSConnectionPool", "urllib3.PoolManager", "urllib3.ProxyManager",
                  "urllib3.connectionpool.ConnectionPool", "urllib3.connectionpool.HTTPConnectionPool",
                  "urllib3.connectionpool.HTTPSConnectionPool", "urllib3.poolmanager.PoolManager",
                  "urllib3.poolmanager.ProxyManager", "urllib3.request.RequestMethods")],
    # -- ASYNC220 / 221 / 222: processes ----------------------------------------------------------
    Case("ASYNC220", BOTH, "subprocess.Popen", "import subprocess", "subprocess.Popen(['ls'])", "DJA304"),
    Case("ASYNC220", BOTH, "os.popen", "import os", "os.popen('ls')", "DJA304"),
    *[Case("ASYNC220", BOTH, f"os.{name}(os.P_NOWAIT, ...)", "import os", f"os.{name}(os.P_NOWAIT, 'ls')", "DJA304")
      for name in "spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe".split()],
    *[Case("ASYNC221", BOTH, f"subprocess.{name}", "import subprocess", f"subprocess.{name}(['ls'])", "DJA304")
      for name in "run call check_call check_output getoutput getstatusoutput".split()],
    *[Case("ASYNC221", BOTH, f"os.{name}", "import os", f"os.{name}('ls')", "DJA304")
      for name in "system posix_spawn posix_spawnp".split()],
    *[Case("ASYNC221", BOTH, f"os.{name}(os.P_WAIT, ...)", "import os", f"os.{name}(os.P_WAIT, 'ls')", "DJA304")
      for name in "spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe".split()],
    *[Case("ASYNC222", BOTH, f"os.{name}", "import os", f"os.{name}()", "DJA304")
      for name in "wait wait3 wait4 waitid waitpid".split()],
    # -- ASYNC230 / 231 / 232: files ------------------------------------------------------------
    Case("ASYNC230", BOTH, "open", "", "open('f')", "DJA303"),
    Case("ASYNC230", BOTH, "builtins.open", "import builtins", "builtins.open('f')", "DJA303"),
    Case("ASYNC230", BOTH, "io.open", "import io", "io.open('f')", "DJA303"),
    Case("ASYNC230", BOTH, "io.open_code", "import io", "io.open_code('f')", "DJA303"),
    Case("ASYNC230", RUFF, "pathlib.Path(...).open", "from pathlib import Path", "Path('f').open()", "DJA303"),
    Case("ASYNC230", RUFF, "p.open() with p = Path(...)", "from pathlib import Path", "p = Path('f')\n    p.open()", "DJA303"),
    Case("ASYNC231", FLAKE8, "os.fdopen", "import os", "os.fdopen(3)", "DJA303"),
    *[Case("ASYNC232", FLAKE8, f"file object from open(): .{method}", "", f"fh = open('f')\n    fh.{method}()", "DJA303")
      for method in "read readline readlines write writelines seek tell flush truncate close".split()],
    *[Case("ASYNC232", FLAKE8, f"parameter annotated `io.{cls}`: .read",
           f"import io\n\n\nasync def consume(fh: io.{cls}):\n    fh.read()", "pass", "DJA303", "reported in `consume`")
      for cls in ("TextIOWrapper", "BufferedReader", "BufferedWriter", "BufferedRandom")],
    # -- ASYNC240: disk-touching os.path and pathlib -------------------------------------------------
    *[Case("ASYNC240", BOTH, f"os.path.{name}", "import os", f"os.path.{name}('f')", "DJA303")
      for name in ("_joinrealpath islink lexists ismount realpath exists isdir isfile getatime getctime getmtime getsize "
                   "samefile sameopenfile relpath").split()],
    Case("ASYNC240", BOTH, "from os.path import exists", "from os.path import exists", "exists('f')", "DJA303"),
    *[Case("ASYNC240", RUFF, f"os.path.{name}", "import os", f"os.path.{name}('f')", "DJA303")
      for name in "abspath expanduser isjunction".split()],
    *[Case("ASYNC240", RUFF, f"pathlib.Path(...).{name}", "from pathlib import Path", f"Path('f').{name}()", "DJA303")
      for name in ("absolute chmod cwd exists expanduser glob group hardlink_to home is_block_device is_char_device is_dir "
                   "is_fifo is_file is_junction is_mount is_socket is_symlink iterdir lchmod link_to lstat mkdir owner "
                   "read_bytes read_text readlink rename replace resolve rglob rmdir samefile stat symlink_to touch unlink "
                   "walk write_bytes write_text").split()],
    Case("ASYNC240", RUFF, "Path(...) assigned at module level", "from pathlib import Path\n\nREPORTS = Path('reports')",
         "REPORTS.exists()", "DJA303"),
    Case("ASYNC240", RUFF, "parameter annotated `Path | None`",
         "from pathlib import Path\n\n\nasync def size(path: Path | None):\n    path.stat()", "pass", "DJA303", "reported in `size`"),
    Case("ASYNC240", RUFF, "chained: Path(...).absolute().exists()", "from pathlib import Path", "Path('f').absolute().exists()", "DJA303"),
    Case("ASYNC240", FLAKE8, "os.path.normpath (pure: not flagged by default)",
         "import os\n# django-async-kit: blocking-call os.path.normpath -> strict flake8-async parity", "os.path.normpath('f')", "DJA311",
         "string-only, no system call: list it in `blocking-calls` for strict parity"),
    Case("ASYNC240", FLAKE8, "os.path._path_normpath (pure: not flagged by default)",
         "import os\n# django-async-kit: blocking-call os.path._path_normpath -> strict flake8-async parity",
         "os.path._path_normpath('f')", "DJA311", "the C implementation of `normpath`"),
    # -- ASYNC250 / 251 ---------------------------------------------------------------------
    Case("ASYNC250", BOTH, "input", "", "input('? ')", "DJA310"),
    Case("ASYNC250", BOTH, "builtins.input", "import builtins", "builtins.input('? ')", "DJA310"),
    Case("ASYNC251", BOTH, "time.sleep", "import time", "time.sleep(1)", "DJA302"),
    Case("ASYNC251", BOTH, "sleep (`from time import sleep`)", "from time import sleep", "sleep(1)", "DJA302"),
    # -- neither linter: HTTP -----------------------------------------------------------------
    *[Case("HTTP", NEITHER, f"requests.Session().{method}", "import requests", f"session = requests.Session()\n    session.{method}(url)", "DJA301")
      for method in "get post put patch delete head options request send".split()],
    Case("HTTP", NEITHER, "with requests.Session() as s: s.get", "import requests",
         "with requests.Session() as session:\n        session.get(url)", "DJA301"),
    *_verbs("niquests", "get post", NEITHER),
    Case("HTTP", NEITHER, "httpx.stream / httpx2.stream", "import httpx2", "httpx2.stream('GET', url)", "DJA301"),
    Case("HTTP", NEITHER, "urllib.request.urlretrieve", "import urllib.request", "urllib.request.urlretrieve(url)", "DJA301"),
    *[Case("HTTP", NEITHER, f"http.client.HTTPSConnection().{method}", "import http.client",
           f"conn = http.client.HTTPSConnection('api.example.com')\n    conn.{method}()", "DJA301")
      for method in "request getresponse".split()],
    # -- neither: files beyond open / os.path ----------------------------------------------------
    *[Case("files", NEITHER, f"os.{name}", "import os", f"os.{name}('f')", "DJA303")
      for name in "remove unlink rename replace mkdir makedirs rmdir listdir scandir walk stat".split()],
    *[Case("files", NEITHER, f"shutil.{name}", "import shutil", f"shutil.{name}('a', 'b')", "DJA303")
      for name in "copy copyfile copytree move rmtree".split()],
    Case("files", NEITHER, "tempfile.NamedTemporaryFile", "import tempfile", "tempfile.NamedTemporaryFile()", "DJA303"),
    Case("files", NEITHER, "settings.MEDIA_ROOT / name: .write_bytes", "from django.conf import settings",
         "(settings.MEDIA_ROOT / 'a.pdf').write_bytes(b'')", "DJA303"),
    Case("files", NEITHER, "default_storage.save", "from django.core.files.storage import default_storage",
         "default_storage.save('a.txt', request.FILES['f'])", "DJA303"),
    # -- neither: network ----------------------------------------------------------------------
    *[Case("network", NEITHER, f"socket.{name}", "import socket", f"socket.{name}(('db', 5432))", "DJA305")
      for name in "create_connection getaddrinfo gethostbyname".split()],
    *[Case("network", NEITHER, f"socket.socket().{name}", "import socket", f"sock = socket.socket()\n    sock.{name}(b'x')", "DJA305")
      for name in "connect recv send sendall".split()],
    Case("network", NEITHER, "smtplib.SMTP(host)", "import smtplib", "smtplib.SMTP('smtp.example.com')", "DJA305"),
    Case("network", NEITHER, "smtplib.SMTP().sendmail", "import smtplib", "smtp = smtplib.SMTP()\n    smtp.sendmail('a', ['b'], 'm')", "DJA305"),
    Case("network", NEITHER, "ftplib.FTP().retrbinary", "import ftplib", "ftp = ftplib.FTP()\n    ftp.retrbinary('RETR x', print)", "DJA305"),
    # -- neither: Django email, cache, passwords ---------------------------------------------------
    *[Case("Django email", NEITHER, f"django.core.mail.{name}", f"from django.core.mail import {name}", f"{name}('s', 'm', None, ['a'])", "DJA306")
      for name in "send_mail send_mass_mail mail_admins mail_managers".split()],
    Case("Django email", NEITHER, "EmailMessage(...).send()", "from django.core.mail import EmailMessage",
         "EmailMessage('s', 'b', to=['a']).send()", "DJA306"),
    Case("Django email", NEITHER, "EmailMultiAlternatives: msg.send()", "from django.core.mail import EmailMultiAlternatives",
         "msg = EmailMultiAlternatives('s', 'b', to=['a'])\n    msg.send()", "DJA306"),
    Case("Django email", NEITHER, "get_connection().send_messages", "from django.core import mail",
         "mail.get_connection().send_messages([])", "DJA306"),
    *[Case("Django cache", NEITHER, f"cache.{name}", "from django.core.cache import cache", f"cache.{name}('k')", "DJA307")
      for name in "get set add delete get_many set_many get_or_set has_key incr decr touch clear".split()],
    Case("Django cache", NEITHER, "caches['default'].get", "from django.core.cache import caches", "caches['default'].get('k')", "DJA307"),
    Case("Django cache", NEITHER, "c = caches['default']; c.set", "from django.core.cache import caches",
         "store = caches['default']\n    store.set('k', 1)", "DJA307"),
    Case("passwords", NEITHER, "check_password", "from django.contrib.auth.hashers import check_password",
         "check_password('raw', 'hash')", "DJA308"),
    Case("passwords", NEITHER, "make_password", "from django.contrib.auth.hashers import make_password", "make_password('raw')", "DJA308"),
    Case("passwords", NEITHER, "user.set_password", "", "user = await request.auser()\n    user.set_password('raw')", "DJA308"),
    Case("passwords", NEITHER, "user.check_password", "", "user = await request.auser()\n    user.check_password('raw')", "DJA308"),
    # -- neither: cloud and database clients --------------------------------------------------
    *[Case("clients", NEITHER, f"boto3.client('s3').{name}", "import boto3\n\ns3 = boto3.client('s3')", f"s3.{name}('a', 'b', 'c')", "DJA309")
      for name in "upload_file upload_fileobj download_file put_object get_object".split()],
    Case("clients", NEITHER, "boto3.resource('s3').Bucket(...).upload_file", "import boto3",
         "s3 = boto3.resource('s3')\n    s3.Bucket('b').upload_file('a', 'k')", "DJA309"),
    Case("clients", NEITHER, "boto3.session.Session().client(...).send_email", "import boto3",
         "ses = boto3.session.Session().client('ses')\n    ses.send_email()", "DJA309"),
    *[Case("clients", NEITHER, f"{factory}(...).get", "import redis", f"r = {factory}()\n    r.get('k')", "DJA309")
      for factory in ("redis.Redis", "redis.StrictRedis", "redis.from_url")],
    Case("clients", NEITHER, "get_redis_connection().get", "from django_redis import get_redis_connection",
         "get_redis_connection('default').get('k')", "DJA309"),
    *[Case("clients", NEITHER, f"{connect}(...)", f"import {connect.split('.')[0]}", f"{connect}('dsn')", "DJA309")
      for connect in ("psycopg2.connect", "psycopg.connect", "sqlite3.connect", "pymysql.connect")],
    Case("clients", NEITHER, "connection.cursor().execute / fetchall", "import psycopg2",
         "with psycopg2.connect('dsn') as conn:\n        cursor = conn.cursor()\n        cursor.execute('select 1')", "DJA309"),
    Case("clients", NEITHER, "stripe.<Resource>.<action>", "import stripe", "stripe.PaymentIntent.create(amount=100)", "DJA309"),
    Case("clients", NEITHER, "self.s3 set in the view class", "import boto3\n\n\nclass Upload:\n    s3 = boto3.client('s3')\n\n"
         "    async def post(self, request):\n        self.s3.put_object(Bucket='b', Key='k')", "pass", "DJA309", "reported in `Upload.post`"),
    Case("clients", NEITHER, "OpenAI().chat.completions.create", "from openai import OpenAI\n\nai = OpenAI()",
         "ai.chat.completions.create(model='m', messages=[])", "DJA309"),
    Case("clients", NEITHER, "Anthropic().messages.create", "import anthropic",
         "anthropic.Anthropic().messages.create(model='m', messages=[])", "DJA309"),
    Case("clients", NEITHER, "MongoClient()[db][collection].find_one", "import pymongo\n\nmongo = pymongo.MongoClient()",
         "mongo['shop']['orders'].find_one({})", "DJA309"),
    Case("clients", NEITHER, "Elasticsearch().search", "from elasticsearch import Elasticsearch\n\nes = Elasticsearch('http://es')",
         "es.search(index='products')", "DJA309"),
    Case("clients", NEITHER, "google.cloud.storage blob.upload_from_string", "from google.cloud import storage",
         "storage.Client().bucket('b').blob('k').upload_from_string('x')", "DJA309"),
    Case("passwords", NEITHER, "bcrypt.hashpw", "import bcrypt", "bcrypt.hashpw(b'pw', bcrypt.gensalt())", "DJA308"),
    Case("passwords", NEITHER, "argon2.PasswordHasher().verify", "from argon2 import PasswordHasher",
         "PasswordHasher().verify('hash', 'pw')", "DJA308"),
]

_FAMILY_TITLES = {
    "ASYNC200": "user-configured blocking calls",
    "ASYNC210": "sync HTTP module functions",
    "ASYNC211": "`request(\"VERB\", ...)` with urllib3 imported",
    "ASYNC212": "methods of sync HTTP clients",
    "ASYNC220": "process creation",
    "ASYNC221": "run a process and wait",
    "ASYNC222": "wait for a process",
    "ASYNC230": "open a file",
    "ASYNC231": "`os.fdopen`",
    "ASYNC232": "file-object methods",
    "ASYNC240": "disk-touching paths",
    "ASYNC250": "`input()`",
    "ASYNC251": "`time.sleep()`",
}


def render() -> str:
    lines = [
        "# Blocking calls: parity with flake8-async and ruff",
        "",
        "<!-- Generated from tests/blocking/blocking_parity_cases.py: `python tests/blocking/blocking_parity_cases.py`. -->",
        "",
        "Every function flake8-async's ASYNC2xx rules (26.8.1) and ruff's ASYNC2xx rules (0.17.6) flag in an",
        "`async def`, and the DJA3xx rule that flags it here; then the Django and cloud-client calls neither of",
        "them flags. Each row is a test (`tests/blocking/test_blocking_parity.py`): the call, with its imports, inside an",
        "async view, must be reported by the listed code on its line. Names are matched after import resolution",
        "(`from time import sleep`, `import requests as r`), as ruff does.",
        "",
        "Deliberate difference: `os.path.normpath` (and its C twin `_path_normpath`) only rewrites a string, with",
        "no system call, so it is not reported by default; list it in `blocking-calls` for strict flake8-async",
        "parity. Calls that are directly awaited are never reported (flake8-async exempts them from ASYNC2xx",
        "except 240/250/251; ruff does not exempt them): `await` on one of these sync calls fails at runtime anyway.",
        "",
        f"{len(CASES)} rows: {sum(c.linters != NEITHER for c in CASES)} flagged by flake8-async or ruff, "
        f"{sum(c.linters == NEITHER for c in CASES)} by neither.",
        "",
        "Measured once against the linters' own fixtures (not part of the test suite, as they are the linters'",
        "code): of the lines ruff's ASYNC210/212/22x/230/240/250/251 fixtures mark, 103 of 111 are reported, none",
        "extra; the 8 misses are a tuple assignment `(p1, p2) = (Path(...), Path(...))` and seven calls in a file",
        "where other functions import `Path` from trio/anyio (imports are resolved per file, not per function).",
        "Of flake8-async's async210/async240 eval files, 45 of 51 lines: the misses are `normpath` (above), an",
        "awaited `os.path.isfile`, and `urlopen()` / `request.urlopen()` that the file never imports.",
        "",
        "| Family | Function | Flagged by | DJA code | Note |",
        "| --- | --- | --- | --- | --- |",
    ]
    for case in CASES:
        family = f"{case.family} {_FAMILY_TITLES[case.family]}" if case.family in _FAMILY_TITLES else case.family
        function = case.function if "`" in case.function else f"`{case.function}`"
        cells = [family, function, case.linters, case.code, case.note]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
