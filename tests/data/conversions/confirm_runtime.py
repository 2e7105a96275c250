"""Runtime confirmation of every annotated bug of the corpus, and a clean run of every correct view.

Each view of ``*/views_buggy.py`` holds exactly one line annotated with an ``expect`` comment. Its test requests the view
through Django's async test client (ASGI handler, SQLite, database sessions) with data that reaches
the bug, BlockBuster watching the event loop, and Python tracking where coroutines are created. The
bug counts as confirmed only when the run fails the expected way AT the annotated statement:

* ``sync``: SynchronousOnlyOperation, ``blocking``: BlockBuster's BlockingError, or another
  exception class, raised with a traceback frame on the annotated statement, or from a method of
  the class whose header or handler holds the annotation (mixins and decorators on ``dispatch``,
  DRF handlers);
* ``unawaited``: a coroutine never awaited, created on the annotated statement, or the coroutine of
  the function defined there.

Each view of ``*/views_correct.py`` is requested with the same data and must answer without an
exception, a blocking call or an un-awaited coroutine.
"""

from __future__ import annotations

import ast
import gc
import http.server
import importlib
import inspect
import json
import re
import sys
import threading
import traceback
import types
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
from asgiref.sync import sync_to_async
from blockbuster import BlockingError, blockbuster_ctx
from django import forms
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.exceptions import SynchronousOnlyOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.template.loader import get_template
from django.test import AsyncClient
from django.utils import formats

from convsite.urls import APPS, views_of

HERE = Path(__file__).resolve().parent
EXPECT = re.compile(r"#\s*expect:")  # bench/bench_recall.py's annotation


@dataclass(frozen=True)
class Case:
    expect: str = "sync"  # sync | blocking | unawaited | an exception class name
    pk: str | None = None  # attribute of World whose pk goes in the URL
    method: str = "get"
    data: dict = field(default_factory=dict)
    user: str | None = "alice"  # None: anonymous
    upload: bool = False
    annotated_in: str | None = None  # the function of the module holding the bug, when not the view


# One entry per view name of an app; the buggy and the correct view of that name share it.
CASES: dict[str, Case] = {
    # catalog
    "catalog.product_list": Case(),
    "catalog.product_list_lazy": Case(),
    "catalog.product_detail": Case(pk="product"),
    "catalog.product_detail_or_404": Case(pk="product"),
    "catalog.products_of_brand": Case(pk="brand"),
    "catalog.product_category_name": Case(pk="product"),
    "catalog.category_count": Case(pk="category"),
    "catalog.product_total": Case("unawaited"),
    "catalog.search": Case(data={"q": "Lamp"}),
    "catalog.cheap_products": Case("TypeError"),
    "catalog.brand_products": Case("AttributeError", pk="brand"),
    "catalog.rating_summary": Case(pk="product"),
    "catalog.product_ids": Case(),
    "catalog.export_json": Case(),
    "catalog.review_authors": Case(pk="product"),
    "catalog.review_count": Case(pk="product"),
    "catalog.approved_count": Case(pk="product"),
    "catalog.product_label": Case(pk="product"),
    "catalog.paged_products": Case(data={"page": "1"}),
    "catalog.quick_review": Case(method="post", data={"product": "@product", "rating": "4"}),
    "catalog.add_review": Case(pk="product", method="post", data={"rating": "5", "body": "Great"}),
    "catalog.edit_product": Case(pk="product"),
    "catalog.move_products": Case(),
    "catalog.stock_movements": Case(pk="product", method="post", data={
        "movements-TOTAL_FORMS": "1", "movements-INITIAL_FORMS": "0",
        "movements-0-delta": "3", "movements-0-reason": "count"}),
    "catalog.recently_viewed": Case(pk="product"),
    "catalog.welcome_back": Case(),
    "catalog.popular": Case("blocking"),
    "catalog.warm_cache": Case("blocking"),
    "catalog.popular_via_helper": Case("blocking"),
    "catalog.contact": Case("blocking", method="post", data={"message": "hello"}),
    "catalog.restock_alert": Case("blocking", pk="low_stock_product"),
    "catalog.price_in": Case("blocking", pk="product"),
    "catalog.rates": Case("blocking"),
    "catalog.throttled_search": Case("blocking"),
    "catalog.polite_export": Case("blocking"),
    "catalog.upload_manual": Case("blocking", pk="product", method="post", upload=True),
    "catalog.export_price_list": Case("blocking"),
    "catalog.export_price_csv": Case("blocking"),
    "catalog.restock": Case(pk="product"),
    "catalog.transfer_stock": Case(pk="product"),
    "catalog.stock_report": Case(),
    "catalog.category_info": Case(pk="category"),
    "catalog.save_for_later": Case("AttributeError", pk="product"),
    "catalog.wishlist_add": Case(pk="product"),
    "catalog.approve_review": Case(pk="review"),
    "catalog.newest": Case(),
    "catalog.has_reviews": Case("unawaited", pk="product"),
    "catalog.ProductDetailView": Case(pk="product"),
    "catalog.ProductListView": Case("unawaited"),
    "catalog.CategorySummaryView": Case(),
    "catalog.ProductJsonView": Case(pk="product"),
    "catalog.product_category_or_404": Case(pk="product"),
    "catalog.filtered_products": Case(data={"brand": "1"}),
    "catalog.products_in_stock": Case(pk="category"),
    "catalog.similar_products": Case(pk="product"),
    "catalog.product_rating": Case(pk="product"),
    "catalog.featured": Case(),
    "catalog.product_with_menu": Case(pk="product"),
    "catalog.greeting": Case(),
    "catalog.stock_value": Case(),
    "catalog.has_brand": Case(pk="product"),
    "catalog.latest_reviews": Case(pk="product"),
    "catalog.top_reviews": Case(pk="product"),
    "catalog.review_page": Case(pk="product"),
    "catalog.inventory_value": Case(pk="category"),
    "catalog.wrapped_lookup": Case("TypeError", pk="product"),
    "catalog.refresh_rates": Case("RuntimeError"),
    "catalog.FeaturedProductView": Case(),
    "catalog.MyReviewsView": Case(),
    "catalog.ReviewSummaryView": Case(),
    "catalog.active_names": Case(),
    "catalog.product_categories": Case(),
    "catalog.fetched_product": Case(pk="product"),
    "catalog.am_i_staff": Case(),
    "catalog.dashboard_numbers": Case("unawaited"),
    "catalog.go_to_product": Case(pk="product"),
    "catalog.category_of": Case(pk="product"),
    "catalog.wishlist_page": Case(),
    "catalog.product_cards": Case(),
    "catalog.async_paged": Case(),
    "catalog.bulk_restock": Case("unawaited"),
    "catalog.contact_later": Case("unawaited", method="post", data={"message": "later"}),
    # teams
    "teams.staff_dashboard": Case(user="staff", annotated_in="staff_only"),
    "teams.owner_dashboard": Case("unawaited"),
    "teams.sign_in": Case(method="post", data={"username": "alice", "password": "secret"}, user=None),
    "teams.sign_in_and_login": Case(method="post", data={"username": "alice", "password": "secret"}),
    "teams.sign_out": Case(),
    "teams.change_password": Case(method="post", data={"password": "n3w-secret"}),
    "teams.my_profile": Case(),
    "teams.team_detail": Case(pk="team"),
    "teams.team_owner": Case(pk="team"),
    "teams.team_members": Case(pk="team"),
    "teams.member_bios": Case(pk="team"),
    "teams.my_teams": Case(),
    "teams.invite": Case(method="post", data={"team": "@team", "email": "dan@example.com"}),
    "teams.resend_invite": Case("blocking", pk="invite"),
    "teams.invite_team_name": Case(pk="invite"),
    "teams.accept_invite": Case(pk="invite"),
    "teams.mark_all_read": Case(),
    "teams.unread_badge": Case("unawaited"),
    "teams.dashboard": Case("unawaited"),
    "teams.team_by_id": Case("unawaited", pk="team"),
    "teams.team_stats": Case(pk="team"),
    "teams.team_size": Case(pk="team"),
    "teams.rename_team": Case(pk="team", method="post", data={"name": "Renamed"}),
    "teams.create_team": Case(method="post", data={"name": "Platform"}),
    "teams.leave_team": Case(pk="team"),
    "teams.ensure_profile": Case(),
    "teams.can_edit_products": Case(),
    "teams.is_editor": Case(),
    "teams.switch_team": Case(pk="team"),
    "teams.team_overview": Case("unawaited", pk="team"),
    "teams.sorted_members": Case(pk="team"),
    "teams.export_members": Case(pk="team"),
    "teams.git_version": Case("blocking"),
    "teams.TeamListView": Case(),
    "teams.OwnerSettingsView": Case(),
    "teams.ProfileView": Case(),
    # api
    "api.ProductListAPI": Case("unawaited", user=None),
    "api.AsyncProductListAPI": Case(),
    "api.AsyncReviewListAPI": Case(pk="product"),
    "api.AsyncReviewCreateAPI": Case(pk="product", method="post", data={"rating": 4, "body": "ok"}),
    "api.product_names": Case(),
    "api.product_feed": Case(),
    "api.remote_rates": Case("blocking"),
}


@dataclass
class World:
    alice: User
    staff: User
    product: object
    low_stock_product: object
    category: object
    brand: object
    review: object
    team: object
    invite: object


def make_world() -> World:
    from catalog.models import Brand, Category, Product, Review
    from teams.models import Invite, Membership, Notification, Profile, Team

    alice = User.objects.create_user("alice", "alice@example.com", "secret")
    carol = User.objects.create_user("carol", "carol@example.com", "secret")
    staff = User.objects.create_user("sam", "sam@example.com", "secret", is_staff=True)
    Group.objects.create(name="editors").user_set.add(carol)
    Profile.objects.create(user=alice, bio="Lamps and tables")
    category = Category.objects.create(name="Lighting")
    brand = Brand.objects.create(name="Lumen")
    product = Product.objects.create(name="Desk Lamp", category=category, brand=brand, price="25.00", stock=12)
    low = Product.objects.create(name="Floor Lamp", category=category, brand=brand, price="80.00", stock=2)
    Product.objects.create(name="Candle", category=category, price="4.00", stock=40)
    review = Review.objects.create(product=product, author=carol, rating=4, body="Bright", approved=True)
    team = Team.objects.create(name="Shop", owner=alice)
    Membership.objects.create(team=team, user=alice, role="owner")
    Membership.objects.create(team=team, user=carol)
    invite = Invite.objects.create(team=team, email="dan@example.com")
    Notification.objects.create(user=alice, message="Welcome")
    cache.set("popular-products", [product.pk], 300)
    settings.EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    return World(alice, staff, product, low, category, brand, review, team, invite)


@pytest.fixture
def world(transactional_db) -> World:
    return make_world()


class RatesHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the http.server API)
        body = json.dumps({"rate": 1.1}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def rates_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RatesHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/rates"
    server.shutdown()


class WarmUpForm(forms.Form):
    text = forms.CharField()
    choice = forms.ChoiceField(choices=[("a", "A")])
    number = forms.IntegerField()
    upload = forms.FileField()
    hidden = forms.CharField(widget=forms.HiddenInput)
    notes = forms.CharField(widget=forms.Textarea)


@pytest.fixture(scope="session", autouse=True)
def loaded_templates():
    """Load Django's template engines and form templates once, before BlockBuster watches: their
    first use reads files, which is Django starting up, not a bug of the views."""
    from convsite.templates import TEMPLATES_BY_NAME

    for name in TEMPLATES_BY_NAME:
        get_template(name)
    WarmUpForm().as_p()
    formats.number_format(1)  # finds the locale's format modules
    httpx2.Client().close()  # imports its transport lazily


@pytest.fixture(autouse=True)
def real_io_backends(settings, rates_url):
    """The rates API on a local server, and mail written to files (Django's test set-up swaps in
    the in-memory mail back end, which does no I/O)."""
    settings.RATES_URL = rates_url
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def all_views(module_name: str) -> list[tuple[str, str]]:
    """(app, view name) of each view of a module kind, in source order."""
    found = []
    for app in APPS:
        module = importlib.import_module(f"{app}.{module_name}")
        found += [(app, name) for name, _ in views_of(module)]
    return found


def annotated_lines(path: Path, first: int, last: int) -> list[int]:
    lines = path.read_text().splitlines()
    return [n for n in range(first, last + 1) if EXPECT.search(lines[n - 1])]


def statement_span(tree: ast.AST, line: int) -> tuple[int, int]:
    """The smallest statement (a function or class: its decorators and header) holding ``line``."""
    best = (line, line)
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            last = node.body[0].lineno - 1
        elif isinstance(node, (ast.With, ast.AsyncWith)):  # the body uses what the header opened
            first, last = node.lineno, node.end_lineno
        elif hasattr(node, "body") and isinstance(node.body, list):
            first, last = node.lineno, node.body[0].lineno - 1
        else:
            first, last = node.lineno, node.end_lineno
        if first <= line <= last and (best == (line, line) or last - first < best[1] - best[0]):
            best = (first, last)
    return best


def defined_at(tree: ast.AST, line: int) -> tuple[set[str], set[str]]:
    """Qualified names of functions whose header holds ``line``, and of classes whose body does."""
    functions, classes = set(), set()

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                if isinstance(child, ast.ClassDef):
                    if first <= line <= child.end_lineno:
                        classes.add(name)
                elif first <= line < child.body[0].lineno:
                    functions.add(name)
                visit(child, f"{name}.")

    visit(tree, "")
    return functions, classes


@dataclass
class Run:
    exception: str | None  # repr of what the request raised
    exception_types: list[type]  # its class and bases
    frames: list[tuple[str, int, str | None, str | None]]  # file, line, module and class of ``self``
    unawaited: list[str]  # the RuntimeWarnings of coroutines never awaited
    status: int | None


def summary(exc: BaseException) -> list[tuple[str, int, str | None, str | None]]:
    """The traceback as plain data, its frames then cleared so that the coroutines they hold are freed."""
    frames = []
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        tb = exc.__traceback__
        while tb is not None:
            owner = tb.tb_frame.f_locals.get("self")
            owner_type = type(owner) if owner is not None else None
            frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno,
                           getattr(owner_type, "__module__", None), getattr(owner_type, "__qualname__", None)))
            tb = tb.tb_next
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__
    return frames


async def request_view(app: str, module_name: str, name: str, world: World) -> Run:
    case = CASES[f"{app}.{name}"]
    client = AsyncClient()
    if case.user:
        await client.aforce_login(getattr(world, case.user))
    url = f"/{app}/{module_name}/{name}/"
    if case.pk:
        url += f"{getattr(world, case.pk).pk}/"
    # "@name" in the posted data stands for the pk of that object of the world.
    data = {key: (str(getattr(world, value[1:]).pk) if isinstance(value, str) and value.startswith("@") else value)
            for key, value in case.data.items()}
    if case.upload:
        data["manual"] = SimpleUploadedFile("manual.pdf", b"%PDF-1.4 manual")
    run = Run(None, [], [], [], None)
    gc.collect()  # coroutines left over by an earlier test are not this view's
    earlier = {id(obj) for obj in _unstarted_coroutines()}
    previous_depth = sys.get_coroutine_origin_tracking_depth()
    sys.set_coroutine_origin_tracking_depth(64)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                with blockbuster_ctx():
                    response = await getattr(client, case.method)(url, data)
                run.status = response.status_code
                del response
            except Exception as error:  # noqa: BLE001 (the outcome under test)
                run.exception, run.exception_types = repr(error), list(type(error).__mro__)
                run.frames = summary(error)
                del error
            del client
            gc.collect()
            # A coroutine something still holds (an exception's traceback, a worker thread's last
            # frame) warns only when it is collected, maybe after this check: list it now.
            kept = [obj for obj in _unstarted_coroutines() if id(obj) not in earlier]
    finally:
        sys.set_coroutine_origin_tracking_depth(previous_depth)
    run.unawaited = [str(w.message) for w in caught if "was never awaited" in str(w.message)]
    for coroutine in kept:
        origin = "".join(f'  File "{file}", line {line}, in {function}\n' for file, line, function in coroutine.cr_origin or ())
        run.unawaited.append(f"coroutine '{coroutine.__qualname__}' was never awaited\nCoroutine created at\n{origin}")
        coroutine.close()  # no warning later, in another test
    del kept
    await sync_to_async(connections.close_all)()
    return run


@dataclass(frozen=True)
class AnnotatedBug:
    """Where a buggy view's annotated bug is, read from the source at collection time."""

    app: str
    name: str
    path: Path
    line: int | None
    span: tuple[int, int]  # the statement holding the line
    functions: frozenset[str]  # functions whose header holds the line
    classes: frozenset[str]  # classes whose body holds the line

    def __str__(self) -> str:
        return f"{self.app}-{self.name}"


def annotated_bug(app: str, name: str) -> AnnotatedBug:
    path, first, last = view_span(app, "views_buggy", CASES[f"{app}.{name}"].annotated_in or name)
    lines = annotated_lines(path, first, last)
    line = lines[0] if len(lines) == 1 else None
    tree = ast.parse(path.read_text())
    functions, classes = defined_at(tree, line or 0)
    return AnnotatedBug(app, name, path, line, statement_span(tree, line or 0), frozenset(functions), frozenset(classes))


def confirmation(run: Run, bug: AnnotatedBug, expect: str) -> str | None:
    """How the run confirms the annotated bug, or None."""
    first, last = bug.span
    if expect == "unawaited":
        for message in run.unawaited:
            origin = message.split("Coroutine created at", 1)[-1]
            if any(f'File "{bug.path}", line {n},' in origin for n in range(first, last + 1)):
                return f"un-awaited coroutine created on line {bug.line}"
            if any(f"coroutine '{name}' was never awaited" in message for name in bug.functions):
                return f"the coroutine of {set(bug.functions)} was never awaited"
        return None
    expected_type = {"sync": SynchronousOnlyOperation, "blocking": BlockingError}.get(expect)
    if not any((t is expected_type) if expected_type else t.__name__ == expect for t in run.exception_types):
        return None
    for filename, lineno, owner_module, owner_class in run.frames:
        if Path(filename) == bug.path and first <= lineno <= last:
            return f"{run.exception} raised on line {lineno}"
        if owner_module == module_of(bug.path) and owner_class in bug.classes:
            return f"{run.exception} raised in a method of {owner_class}"
    return None


def _unstarted_coroutines() -> list:
    # type(), not isinstance(): the heap holds lazy objects that an isinstance() check would load
    return [obj for obj in gc.get_objects() if type(obj) is types.CoroutineType and inspect.getcoroutinestate(obj) == inspect.CORO_CREATED]


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(HERE).with_suffix("").parts)


def view_span(app: str, module_name: str, name: str) -> tuple[Path, int, int]:
    module = importlib.import_module(f"{app}.{module_name}")
    tree = ast.parse(Path(module.__file__).read_text())
    node = next(n for n in tree.body if getattr(n, "name", None) == name)
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return Path(module.__file__), first, node.end_lineno


def test_every_view_has_a_case():
    names = {f"{app}.{name}" for kind in ("views_buggy", "views_correct") for app, name in all_views(kind)}
    assert sorted(names - CASES.keys()) == []
    assert sorted(CASES.keys() - names) == []


@pytest.mark.parametrize("bug", [annotated_bug(app, name) for app, name in all_views("views_buggy")], ids=str)
@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_annotated_bug_happens_at_its_line(bug, world):
    assert bug.line is not None, f"{bug.app}.views_buggy.{bug.name} must hold exactly one annotated line"
    run = await request_view(bug.app, "views_buggy", bug.name, world)
    how = confirmation(run, bug, CASES[f"{bug.app}.{bug.name}"].expect)
    assert how, (f"not confirmed at {bug.path.name}:{bug.line}: status {run.status}, exception {run.exception}, "
                 f"un-awaited {run.unawaited}")
    print(f"CONFIRMED {bug.path.relative_to(HERE)}:{bug.line} {how}")


@pytest.mark.parametrize(("app", "name"), all_views("views_correct"), ids=lambda v: v)
@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_correct_view_runs_cleanly(app, name, world):
    run = await request_view(app, "views_correct", name, world)
    assert run.exception is None, repr(run.exception)
    assert run.unawaited == []
    assert run.status is not None and run.status < 500
