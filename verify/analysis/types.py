"""What the verifier knows about a value in async code: the abstract types of the analysis."""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of value the rules care about.
MODEL = "model"  # a model class: Product
MANAGER = "manager"  # Product.objects
QUERYSET = "queryset"  # Product.objects.filter(...)
RELATED_MANAGER = "related_manager"  # user.orders, product.tags
INSTANCE = "instance"  # a model instance
COROUTINE = "coroutine"  # an un-awaited coroutine
COROUTINE_FUNCTION = "coroutine_function"  # a callable known to be async: `if iscoroutinefunction(handler):`
ASYNC_GEN = "async_gen"  # qs.aiterator()
LIST = "list"  # an evaluated sequence (elements in ``elem``)
DICT = "dict"  # a dict literal (values in ``items``), or in_bulk()'s {pk: instance} (``elem``)
REQUEST = "request"
SESSION = "session"
PAGINATOR = "paginator"  # django.core.paginator.Paginator
FORM = "form"  # a ModelForm of the project (``model`` is its Meta.model)
OBJECT = "object"  # anything else built by a known constructor (``cls`` is its qualified name)

LAZY = frozenset({MANAGER, QUERYSET, RELATED_MANAGER})


@dataclass(frozen=True, init=False)
class T:
    kind: str
    model: str | None = None
    # select_related / prefetch_related paths already loaded ("user", "user__profile")
    loaded: frozenset[str] = frozenset()
    # fields loaded by only(); None when every field is loaded
    only: frozenset[str] | None = None
    deferred: frozenset[str] = frozenset()  # fields left out by defer()
    result: T | None = None  # COROUTINE: the type after ``await``
    elem: T | None = None  # LIST / ASYNC_GEN / QUERYSET iteration: element type
    items: tuple[tuple[str, T], ...] = ()  # DICT literal: its values; OBJECT of a project class: its attributes
    cls: str = ""  # OBJECT: qualified constructor name
    origin: str = ""  # source text that produced it, for messages
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def __init__(self, kind: str, model: str | None = None, loaded: frozenset[str] = frozenset(),
                 only: frozenset[str] | None = None, deferred: frozenset[str] = frozenset(), result: T | None = None,
                 elem: T | None = None, items: tuple = (), cls: str = "", origin: str = "", extra: dict | None = None):
        # Written out: the generated __init__ of a frozen dataclass sets each field through
        # object.__setattr__, three times as slow, and the typing builds a T for most calls.
        fields = self.__dict__
        fields["kind"] = kind
        fields["model"] = model
        fields["loaded"] = loaded
        fields["only"] = only
        fields["deferred"] = deferred
        fields["result"] = result
        fields["elem"] = elem
        fields["items"] = items
        fields["cls"] = cls
        fields["origin"] = origin
        fields["extra"] = {} if extra is None else extra

    def with_(self, **changes) -> T:
        return T(**{**self.__dict__, **changes})  # dataclasses.replace, without its walk over the fields

    @property
    def is_lazy(self) -> bool:
        return self.kind in LAZY

    def element(self) -> T | None:
        """Type of one item when iterated (async or not)."""
        if self.kind in (QUERYSET, RELATED_MANAGER, MANAGER, ASYNC_GEN, LIST) and self.elem is not None:
            return self.elem
        if self.kind in (QUERYSET, RELATED_MANAGER, MANAGER):
            return T(INSTANCE, self.model, loaded=self.loaded, only=self.only, deferred=self.deferred)
        return None


# In ``loaded``: what is loaded is not known (an instance typed by an annotation, `u: User`,
# whose caller may have used select_related): its relations are not reported as lazy loads.
UNKNOWN_LOADS = "?"


def instance_loaded(paths: frozenset[str], attr: str) -> frozenset[str]:
    """select_related paths below ``attr``: ("user__profile",) -> ("profile",) for ``order.user``."""
    if UNKNOWN_LOADS in paths:
        return paths
    prefix = attr + "__"
    return frozenset(path[len(prefix):] for path in paths if path.startswith(prefix))


def join(a: T | None, b: T | None) -> T | None:
    """The type after two branches meet: kept when both agree. Two QuerySets (or instances) of
    the same model from different expressions (``tags = qs`` or ``tags = qs.filter(...)``) join
    to one with only what both have loaded; anything else that differs is unknown. What one
    path only did is not kept: a QuerySet evaluated (by `async for`) on one branch may still
    query on the other, and so may a request whose user one branch assigned."""
    if a == b:
        return b if a is not None and a.extra.get("evaluated") else a
    if a is not None and b is not None and a.kind == REQUEST and b.kind == REQUEST:
        return a if not a.items else b if not b.items else None
    if a is None or b is None or a.kind != b.kind or a.model != b.model or a.kind not in _JOINABLE:
        return None
    if _flags(a.extra) != _flags(b.extra) or a.elem != b.elem or a.items or b.items:
        return None  # values() rows, prefetch caches, the request's user: not merged
    only = None if a.only is None or b.only is None else a.only | b.only
    return T(a.kind, a.model, loaded=a.loaded & b.loaded, only=only, deferred=a.deferred & b.deferred, origin=a.origin)


_JOINABLE = frozenset({QUERYSET, MANAGER, RELATED_MANAGER, INSTANCE})


def _flags(extra: dict) -> dict:
    """``extra`` without the flags that are off: ``{"prefetched": False}`` (``qs.filter()``) says
    what ``{}`` (a custom QuerySet method's result) says."""
    return {key: value for key, value in extra.items() if value is not False and value is not None}
