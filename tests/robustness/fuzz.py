"""The fuzz target: generated and mutated Django code through the verifier, triage and ``init``,
in this process. Anything but a documented outcome fails: a finding, exit code 0, 1 or 2 with
a one-line error, ``ConfigError`` or ``PathError`` from the API.

Two inputs: Django modules generated from a small grammar (models, function and class views,
ORM calls, blocking calls, nested blocks and expressions), and the repository's own Python
files with their bytes or tokens mutated.

``make fuzz`` runs it randomized for ``FUZZ_SECONDS`` (default 180); ``make test`` runs a short
derandomized pass (tests/robustness/test_fuzz.py).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import tokenize
from pathlib import Path

from hypothesis import strategies as st

from verify.api import check_paths, check_source
from verify.cli import main
from verify.pipeline.config import ConfigError
from verify.pipeline.discovery import PathError
from verify.triage import triage

REPOSITORY = Path(__file__).resolve().parents[2]
SEEDS = sorted(path for folder in ("sample_project", "tests/data") for path in (REPOSITORY / folder).rglob("*.py"))

# -- generated Django code -------------------------------------------------------------------------

NAMES = st.sampled_from(["order", "orders", "user", "product", "qs", "item", "data", "result", "client", "x"])
MODELS = st.sampled_from(["Order", "Product", "Review", "User"])
LOOKUPS = st.sampled_from(["pk=1", "user=request.user", "name__icontains='a'", "", "status=x"])
METHODS = st.sampled_from(["filter", "exclude", "select_related", "prefetch_related", "order_by", "all", "values", "only"])
TERMINALS = st.sampled_from(["get", "aget", "count", "acount", "first", "afirst", "exists", "aexists", "delete",
                             "update", "create", "acreate", "in_bulk", "ain_bulk", "latest", "iterator", "aiterator"])


@st.composite
def querysets(draw) -> str:
    chain = f"{draw(MODELS)}.objects"
    for _ in range(draw(st.integers(0, 4))):
        chain += f".{draw(METHODS)}({draw(LOOKUPS)})"
    return chain


@st.composite
def expressions(draw, depth: int = 0) -> str:
    leaf = st.one_of(
        querysets(),
        st.builds(lambda q, t: f"{q}.{t}()", querysets(), TERMINALS),
        NAMES,
        st.sampled_from(["request.user", "request.GET.get('q')", "requests.get(url)", "time.sleep(1)", "open('f').read()",
                         "sync_to_async(helper)()", "helper(order)", "render(request, 't.html', {'orders': orders})",
                         "order.user.email", "list(orders)", "len(qs)", "[o.name for o in orders]", "lambda: orders",
                         "asyncio.create_task(work())", "async_to_sync(work)()", "cache.get('k')", "JsonResponse(data)",
                         "get_object_or_404(Order, pk=1)", "request.session['k']", "(y := qs.first())", "1"]),
    )
    if depth >= 3:
        return draw(leaf)
    inner = expressions(depth + 1)
    return draw(st.one_of(
        leaf,
        st.builds(lambda e: f"await {e}", inner),
        st.builds(lambda a, b: f"{a} + {b}", inner, inner),
        st.builds(lambda e, n: f"{e}.{n}", inner, NAMES),
        st.builds(lambda e: f"[{e} for item in orders if item]", inner),
        st.builds(lambda a, b: f"{a} if {b} else None", inner, inner),
        st.builds(lambda e: f"f({e}, key={e})", inner),
    ))


@st.composite
def statements(draw, depth: int = 0) -> list[str]:
    simple = st.one_of(
        st.builds(lambda n, e: f"{n} = {e}", NAMES, expressions()),
        st.builds(lambda e: f"return {e}", expressions()),
        st.builds(lambda e: e, expressions()),
        st.builds(lambda n, e: f"{n}: object = {e}", NAMES, expressions()),
        st.just("pass"),
        st.builds(lambda n: f"del {n}", NAMES),
    )
    if depth >= 3:
        return [draw(simple)]
    body = statements(depth + 1)

    def block(header: str, lines: list[str]) -> list[str]:
        return [header, *("    " + line for line in lines)]

    compound = st.one_of(
        st.builds(lambda e, a, b: block(f"if {e}:", a) + block("elif x:", b) + block("else:", a), expressions(), body, body),
        st.builds(lambda n, e, a: block(f"for {n} in {e}:", a), NAMES, expressions(), body),
        st.builds(lambda n, e, a: block(f"async for {n} in {e}:", a), NAMES, expressions(), body),
        st.builds(lambda e, a: block(f"while {e}:", a), expressions(), body),
        st.builds(lambda e, n, a: block(f"async with {e} as {n}:", a), expressions(), NAMES, body),
        st.builds(lambda a, b: block("try:", a) + block("except Exception as error:", b) + block("finally:", ["pass"]), body, body),
        st.builds(lambda n, a: block(f"def {n}():", a), NAMES, body),
        st.builds(lambda e, a: block(f"match {e}:", block("case None:", a) + block("case _:", ["pass"])), expressions(), body),
    )
    return [line for _ in range(draw(st.integers(1, 3))) for line in draw(st.one_of(simple.map(lambda s: [s]), compound))]


@st.composite
def view_modules(draw) -> str:
    lines = ["import asyncio, time, requests", "from asgiref.sync import sync_to_async, async_to_sync",
             "from django.core.cache import cache", "from django.http import JsonResponse",
             "from django.shortcuts import get_object_or_404, render", "from django.views import View",
             "from shop.models import Order, Product, Review", "from django.contrib.auth.models import User", "",
             "def helper(order):", "    return Order.objects.filter(user=order.user).count()", ""]
    for number in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["async def", "def", "class"]))
        body = draw(statements())
        if kind == "class":
            method = draw(st.sampled_from(["async def", "def"]))
            lines += [f"class Page{number}(View):", f"    {method} get(self, request, pk=None):", *("        " + line for line in body), ""]
        else:
            decorator = draw(st.sampled_from(["", "@login_required", "@sync_to_async", "@cache_page(60)"]))
            lines += [decorator, f"{kind} view_{number}(request, pk=None):", *("    " + line for line in body), ""]
    return "\n".join(lines) + "\n"


MODEL_FILE = """from django.conf import settings
from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)

    @property
    def review_count(self):
        return self.review_set.count()


class Order(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="orders")
    product = models.ForeignKey(Product, on_delete=models.CASCADE)


class Review(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
"""

# -- mutated repository files ----------------------------------------------------------------------


@st.composite
def mutated_sources(draw) -> bytes:
    data = draw(st.sampled_from(SEEDS)).read_bytes()
    for _ in range(draw(st.integers(1, 4))):
        data = draw(st.one_of(_byte_mutations(data), _token_mutations(data)))
    return data


def _byte_mutations(data: bytes):
    size = max(1, len(data))
    position = st.integers(0, size - 1)
    return st.one_of(
        st.builds(lambda at, length: data[:at] + data[at + length:], position, st.integers(1, 64)),
        st.builds(lambda at, blob: data[:at] + blob + data[at:], position, st.binary(min_size=1, max_size=16)),
        st.builds(lambda at, length, times: data[:at] + data[at:at + length] * times + data[at:], position,
                  st.integers(1, 40), st.integers(2, 60)),
        st.builds(lambda at, byte: data[:at] + bytes([byte]) + data[at + 1:], position, st.integers(0, 255)),
        st.builds(lambda at, text: data[:at] + text.encode() + data[at:], position,
                  st.sampled_from(["(" * 120, "\n" + "    " * 30 + "x\n", "\x00", "\ufeff", "\r", "\u2028", "async def ",
                                   "await ", "# noqa: DJA102\n", ".count()" * 300, "elif x:\n    pass\n" * 50])),
    )


def _token_mutations(data: bytes):
    try:
        tokens = [token.string for token in tokenize.tokenize(io.BytesIO(data).readline)][1:]
    except Exception:  # (the tokenizer's errors on broken input vary by Python version): bytes mutations only
        return st.just(data)
    if not tokens:
        return st.just(data)
    index = st.integers(0, len(tokens) - 1)

    def joined(parts: list[str]) -> bytes:
        return " ".join(parts).encode("utf-8", errors="replace")

    return st.one_of(
        st.builds(lambda i: joined(tokens[:i] + tokens[i + 1:]), index),
        st.builds(lambda i, j: joined(tokens[:i] + [tokens[j]] + tokens[i:]), index, index),
        st.builds(lambda i, j: joined([*tokens[:i], tokens[j], *tokens[i + 1:j], tokens[i], *tokens[j + 1:]]) if i < j else data,
                  index, index),
    )


# -- the targets -----------------------------------------------------------------------------------


@contextlib.contextmanager
def project_with(files: dict[str, bytes]):
    """A temporary Django project holding ``files``, as the working directory."""
    folder = Path(tempfile.mkdtemp(prefix="dak-fuzz-"))
    before = os.getcwd()
    try:
        (folder / "manage.py").write_text("")
        (folder / "shop").mkdir()
        (folder / "shop" / "__init__.py").write_text("")
        (folder / "shop" / "models.py").write_text(MODEL_FILE)
        for name, data in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.chdir(folder)
        yield folder
    finally:
        os.chdir(before)
        shutil.rmtree(folder, ignore_errors=True)


def exercise(source: bytes) -> None:
    """Every in-process entry point on one file; raises on anything undocumented."""
    text = source.decode("utf-8", errors="replace")
    check_source(text, "shop/views.py")
    with project_with({"shop/views.py": source, "shop/views_two.py": source[: len(source) // 2]}) as folder:
        for cache in (True, False):
            try:
                check_paths(["shop"], cache=cache, jobs=1)
            except (ConfigError, PathError):
                pass
        triage([folder / "shop"])
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for argv in (["verify", "shop", "--format", "json"], ["triage", "shop"], ["init", "--dry-run"],
                         ["init", "--output-dir", str(folder / "out")]):
                (folder / "out").mkdir(exist_ok=True)
                try:
                    code = main(argv)
                except SystemExit as exit:  # argparse
                    code = exit.code
                assert code in (0, 1, 2), (argv, code)
