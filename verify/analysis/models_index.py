"""The project's models, read statically from its model modules (``models.py``, ``models/``, and
any other module that defines model classes).

What the rules need to know: which names are models, their forward relations (foreign key,
one-to-one, many-to-many), the reverse relations other models give them, their plain fields (for
deferred-field checks), their manager attributes, and which custom manager/queryset methods
return QuerySets. The user's code is parsed, never imported.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from verify.analysis.module_names import module_name_of
from verify.pipeline import file_tree, reading
from verify.pipeline.file_tree import relative_files_under

USER_MODEL = "User"  # the key used for settings.AUTH_USER_MODEL / get_user_model() / auth.User
_RELATION_FIELDS = {"ForeignKey": "fk", "OneToOneField": "o2o", "ManyToManyField": "m2m", "ParentalKey": "fk"}


@dataclass
class Relation:
    name: str
    kind: str  # fk, o2o, m2m (forward) or reverse_fk, reverse_o2o, reverse_m2m
    target: str
    null: bool = False  # select_related() without names follows only non-null foreign keys
    # A reverse relation: the forward field's name on ``target``, whose cache Django fills on the
    # objects it fetches through the reverse side (``order.items.afirst()`` knows its ``order``).
    field: str = ""
    editable: bool = True  # False: left out of forms and of model_to_dict()


@dataclass
class ModelInfo:
    name: str
    relations: dict[str, Relation] = field(default_factory=dict)
    fields: set[str] = field(default_factory=set)
    managers: set[str] = field(default_factory=lambda: {"objects"})
    manager_classes: set[str] = field(default_factory=set)
    unique: set[str] = field(default_factory=set)  # fields with unique=True (validation queries them)
    # Fields of each unique_together, UniqueConstraint and CheckConstraint of the model's own Meta:
    # validating all of them (a ModelForm with those fields) queries the database.
    checked_together: list[frozenset[str]] = field(default_factory=list)
    path: str | None = None  # the model file that defines the class, and the class's own name
    class_name: str | None = None


@dataclass
class ModelIndex:
    models: dict[str, ModelInfo] = field(default_factory=dict)
    # Custom Manager / QuerySet classes: method name -> True when it returns a QuerySet.
    queryset_methods: dict[str, dict[str, bool]] = field(default_factory=dict)
    # ... method name -> the query it runs on its own QuerySet (``self.active().first()``: "first").
    queryset_queries: dict[str, dict[str, str]] = field(default_factory=dict)

    # class name -> keys of the models with that name (more than one when apps reuse a name)
    keys_by_name: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str | None) -> ModelInfo | None:
        return self.models.get(name) if name else None

    def resolve(self, name: str, qualified: str = "") -> str | None:
        """The key of the model a name refers to: its qualified import (``shop.models.Order``)
        decides between apps that reuse a class name."""
        if qualified in self.models:
            return qualified
        if name in self.models:
            return name
        keys = self.keys_by_name.get(name, [])
        if len(keys) == 1:
            return keys[0]
        module = qualified.rpartition(".")[0]
        return next((key for key in keys if module and key.startswith(module + ".")), None)

    def relation(self, model: str | None, attr: str) -> Relation | None:
        info = self.get(model)
        return info.relations.get(attr) if info else None

    def custom_method_returns_queryset(self, model: str | None, method: str) -> bool:
        info = self.get(model)
        classes = info.manager_classes if info else set(self.queryset_methods)
        return any(self.queryset_methods.get(cls, {}).get(method) for cls in classes)

    def custom_method_query(self, model: str | None, method: str) -> str | None:
        """The query a custom manager/queryset method runs on its own QuerySet, or None."""
        info = self.get(model)
        classes = info.manager_classes if info else set(self.queryset_queries)
        return next((self.queryset_queries[cls][method] for cls in sorted(classes)
                     if method in self.queryset_queries.get(cls, {})), None)

    @property
    def has_project_models(self) -> bool:
        """True when model files were found (beyond the built-in User entry)."""
        return any(name != USER_MODEL for name in self.models)

    def relation_names(self) -> set[str]:
        return {name for info in self.models.values() for name in info.relations}


def _target_name(node: ast.expr, current: str) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if node.value == "self":
            return current
        tail = node.value.rsplit(".", 1)[-1]
        return USER_MODEL if node.value in ("auth.User", "AUTH_USER_MODEL") else tail
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        if node.attr == "AUTH_USER_MODEL":
            return USER_MODEL
        return node.attr
    if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)):
        func = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        if func == "get_user_model":
            return USER_MODEL
    return None


def _call_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id
        if isinstance(func, ast.Attribute):
            return func.attr
    return None


def _query_on_self(func: ast.FunctionDef) -> str | None:
    """The sync query a manager/queryset method runs on its own QuerySet (``self.get(...)``,
    ``self.active().order_by("-stock").first()``), or None."""
    from verify.analysis.django_api import SYNC_QUERY_METHODS

    for node in ast.walk(func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SYNC_QUERY_METHODS):
            continue
        if node.func.attr == "iterator":
            continue  # building the iterator runs nothing
        expr = node.func.value
        while isinstance(expr, (ast.Call, ast.Attribute)):
            expr = expr.func if isinstance(expr, ast.Call) else expr.value
        if isinstance(expr, ast.Name) and expr.id == "self":
            return node.func.attr
    return None


def _returns_queryset(func: ast.FunctionDef) -> bool:
    from verify.analysis.django_api import QUERYSET_CHAIN_METHODS

    for node in ast.walk(func):
        if isinstance(node, ast.Return) and node.value is not None:
            expr = node.value
            while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
                if expr.func.attr not in QUERYSET_CHAIN_METHODS:
                    break
                expr = expr.func.value
            else:
                if isinstance(expr, ast.Name) and expr.id == "self" and node.value is not expr:
                    return True
                if isinstance(expr, ast.Call) and _call_name(expr) == "super":
                    return True
            if isinstance(expr, ast.Call) and _call_name(expr) in ("get_queryset", "super"):
                return True
    return False


_MODEL_BASES = frozenset({"Model", "AbstractUser", "AbstractBaseUser", "PermissionsMixin"})


def _is_model_base(base: ast.expr, known: set[str]) -> bool:
    name = base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else None
    return name in known or name in _MODEL_BASES


# A module-level class header; ``after`` is what follows the first ")" of its bases: ":" unless a
# base is itself a call or subscript with parentheses, which the text alone cannot tell about.
_CLASS_HEADER = re.compile(r"^class[ \t]+(?P<name>\w+)[ \t]*(?:\((?P<bases>[^)]*)\)[ \t]*(?P<after>.))?", re.MULTILINE)
_WORD = re.compile(r"\w+")


def _headers(source: str) -> list[tuple[str, set[str], bool]]:
    """(class name, the words of its bases, whether the bases are too complex to read as text)."""
    return [(m["name"], set(_WORD.findall(m["bases"] or "")), m["after"] is not None and m["after"] != ":")
            for m in _CLASS_HEADER.finditer(source)]


def _model_like_names(headers_by_file: list[list[tuple[str, set[str], bool]]]) -> set[str]:
    """Class names that may be models: a fixed point over the module-level class headers of all
    files, read as text. A superset of what the parsed files will show (any word of the bases counts)."""
    headers = [header for file_headers in headers_by_file for header in file_headers]
    known = set(_MODEL_BASES)
    changed = True
    while changed:
        changed = False
        for name, words, complex_bases in headers:
            if name not in known and (complex_bases or words & known):
                known.add(name)
                changed = True
    return known


def _may_define_models(headers: list[tuple[str, set[str], bool]], model_like: set[str]) -> bool:
    """Whether parsing a file with these class ``headers`` can add to the index: a model, or a
    custom Manager or QuerySet class. Model files full of other classes (Django's own
    ``db/models/``) need no parse."""
    for name, words, complex_bases in headers:
        if complex_bases or name in model_like or name.endswith(("Manager", "QuerySet")):
            return True
        if any(word.endswith(("Manager", "QuerySet")) for word in words):
            return True
    return False


def _scan_file(tree: ast.Module, index: ModelIndex, pending: list[tuple[str, ast.ClassDef, str | None]], path: str | None) -> None:
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        base_names = {b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in node.bases}
        if any(name.endswith(("Manager", "QuerySet")) for name in base_names) or node.name.endswith(("Manager", "QuerySet")):
            methods = {
                item.name: _returns_queryset(item)
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
            index.queryset_methods[node.name] = methods
            queries = {item.name: query for item in node.body
                       if isinstance(item, ast.FunctionDef) and (query := _query_on_self(item))}
            if queries:
                index.queryset_queries[node.name] = queries
        pending.append((node.name, node, path))


def _is_user_model(name: str, node: ast.ClassDef) -> bool:
    return name == "User" or any(getattr(b, "id", getattr(b, "attr", "")) in ("AbstractUser", "AbstractBaseUser") for b in node.bases)


def _add_model(key: str, node: ast.ClassDef, index: ModelIndex, parents: list[ModelInfo], resolve) -> ModelInfo:
    info = index.models.setdefault(key, ModelInfo(key))
    for parent in parents:  # abstract and multi-table parents pass their fields on
        info.relations.update(parent.relations)
        info.fields |= parent.fields
        info.managers |= parent.managers
        info.manager_classes |= parent.manager_classes
        info.unique |= parent.unique
    meta = next((item for item in node.body if isinstance(item, ast.ClassDef) and item.name == "Meta"), None)
    if meta is not None:
        info.checked_together = _checked_together(meta)
    for item in node.body:
        if not (isinstance(item, (ast.Assign, ast.AnnAssign)) and isinstance(item.value, ast.Call)):
            continue
        targets = item.targets if isinstance(item, ast.Assign) else [item.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if not names:
            continue
        call = item.value
        func = _call_name(call)
        if func in _RELATION_FIELDS and call.args or (func in _RELATION_FIELDS and any(k.arg == "to" for k in call.keywords)):
            target_node = call.args[0] if call.args else next(k.value for k in call.keywords if k.arg == "to")
            target = _target_name(target_node, node.name)
            if target:
                target = resolve(target, target_node)
                related_name = next((k.value.value for k in call.keywords if k.arg == "related_name" and isinstance(k.value, ast.Constant)), None)
                null = any(k.arg == "null" and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords)
                editable = not any(k.arg == "editable" and isinstance(k.value, ast.Constant) and k.value.value is False for k in call.keywords)
                for attr in names:
                    info.relations[attr] = Relation(attr, _RELATION_FIELDS[func], target, null, editable=editable)
                    info.fields.add(attr + "_id")
                    _add_reverse(index, target, key, node.name, _RELATION_FIELDS[func], related_name, attr)
            continue
        if func and (func.endswith("Manager") or func in ("as_manager", "from_queryset")) or (
            isinstance(call.func, ast.Call) and _call_name(call.func) == "from_queryset"
        ):
            info.managers.update(names)
            owner = call.func
            while isinstance(owner, ast.Call):
                owner = owner.func
            while isinstance(owner, ast.Attribute):
                if owner.attr in ("as_manager", "from_queryset"):
                    owner = owner.value
                    continue
                break
            cls = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else None
            if cls:
                info.manager_classes.add(cls)
            for arg in ([] if not isinstance(call.func, ast.Call) else call.func.args):
                if isinstance(arg, ast.Name):
                    info.manager_classes.add(arg.id)
            continue
        if func and func.endswith("Field"):
            info.fields.update(names)
            if any(k.arg == "unique" and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords):
                info.unique.update(names)
    return info


def _strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value for e in node.elts]
    return None


def _q_fields(node: ast.expr) -> set[str] | None:
    """The fields a ``Q(...)`` condition reads (``Q(price__gte=0) | Q(free=True)``, ``F("x")``
    values); None for anything else."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor)):
        left, right = _q_fields(node.left), _q_fields(node.right)
        return None if left is None or right is None else left | right
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        return _q_fields(node.operand)
    if not (isinstance(node, ast.Call) and _call_name(node) == "Q") or node.args:
        return None
    found = set()
    for keyword in node.keywords:
        if keyword.arg is None:
            return None
        found.add(keyword.arg.split("__")[0])
        for inner in ast.walk(keyword.value):
            if isinstance(inner, ast.Call) and _call_name(inner) == "F":
                if not (inner.args and isinstance(inner.args[0], ast.Constant) and isinstance(inner.args[0].value, str)):
                    return None
                found.add(inner.args[0].value.split("__")[0])
    return found


def _checked_together(meta: ast.ClassDef) -> list[frozenset[str]]:
    """The field groups a model's ``Meta`` has Django validate with a query: ``unique_together``
    (``validate_unique``), ``UniqueConstraint(fields=...)`` and ``CheckConstraint`` (its condition
    runs as a query, Django 4.1+ ``validate_constraints``). Constraints read otherwise are left out."""
    options = {t.id: item.value for item in meta.body if isinstance(item, ast.Assign) for t in item.targets if isinstance(t, ast.Name)}
    groups: list[frozenset[str]] = []
    together = options.get("unique_together")
    if together is not None:
        single = _strings(together)
        nested = [_strings(e) for e in together.elts] if isinstance(together, (ast.List, ast.Tuple)) and single is None else []
        groups += [frozenset(names) for names in ([single] if single else nested) if names]
    constraints = options.get("constraints")
    for constraint in constraints.elts if isinstance(constraints, (ast.List, ast.Tuple)) else []:
        if not isinstance(constraint, ast.Call) or constraint.args:
            continue
        keywords = {k.arg: k.value for k in constraint.keywords}
        condition = keywords.get("condition", keywords.get("check"))
        condition_fields = _q_fields(condition) if condition is not None else set()
        if condition_fields is None:
            continue
        kind = _call_name(constraint)
        if kind == "UniqueConstraint" and (names := _strings(keywords.get("fields"))):
            groups.append(frozenset(names) | condition_fields)
        elif kind == "CheckConstraint" and condition_fields:
            groups.append(frozenset(condition_fields))
    return groups


def _add_reverse(index: ModelIndex, target: str, source: str, source_class: str, kind: str, related_name: str | None, field: str) -> None:
    if related_name and (related_name.endswith("+")):
        return
    reverse = index.models.setdefault(target, ModelInfo(target))
    if kind == "o2o":
        name, reverse_kind = related_name or source_class.lower(), "reverse_o2o"
    else:
        name, reverse_kind = related_name or source_class.lower() + "_set", "reverse_" + kind
    reverse.relations.setdefault(name, Relation(name, reverse_kind, source, field=field))


# A module-level class header with a base named like a model class (``models.Model``,
# ``TimeStampedModel``, ``AbstractUser``), read from the bytes: a superset of the files the parse
# will find models in, cheap enough to run over every file of a project.
_MODEL_HEADER = re.compile(rb"^class[ \t]+\w+[ \t]*\([^)]*(?:Model|AbstractUser|AbstractBaseUser)\b", re.MULTILINE)
# path -> [mtime_ns, size, whether it has such a header]: what a file was when last read. The
# result cache keeps it between runs (``verify.cache``), so that a run whose files are unchanged
# reads none of them.
DEFINES_MODELS: dict[str, list] = {}


_FOUND: dict[str, tuple[list[str], list[Path]]] = {}  # root -> (the run's listing of it, its model files)


def model_files(root: Path) -> list[Path]:
    """The project's model modules: ``models.py``, ``models/*.py``, and every other module with a
    class header whose bases name a model class (apps that keep models in ``entities.py``,
    Django's own tests that define models in ``tests.py``). Found once per run."""
    listing = relative_files_under(root)
    known = _FOUND.get(str(root))
    if known is not None and known[0] is listing:  # the same run: the listing is kept until the next
        return known[1]
    found = []
    for relative in listing:
        if not relative.endswith(".py"):
            continue
        parts = relative.split(os.sep)
        if parts[-1] == "models.py" or (len(parts) > 1 and parts[-2] == "models") or _has_model_header(root / relative):
            found.append(root / relative)
    found.sort()
    _FOUND.clear()
    _FOUND[str(root)] = (listing, found)
    return found


def _has_model_header(path: Path) -> bool:
    key = str(path)
    try:
        stat = os.stat(key)
    except OSError:
        return False
    known = DEFINES_MODELS.get(key)
    if known is not None and known[0] == stat.st_mtime_ns and known[1] == stat.st_size:
        return known[2]
    text = file_tree.known_text(key)  # read already by this run: the files it checks
    if text is not None:
        data = text.encode()
    else:
        try:
            with open(key, "rb") as stream:
                data = stream.read()
        except OSError:
            return False
    found = b"class" in data and _MODEL_HEADER.search(data) is not None
    DEFINES_MODELS[key] = [stat.st_mtime_ns, stat.st_size, found]
    return found


def build_index(sources: list[str], paths: list[str] | None = None) -> ModelIndex:
    """Index from the sources of model files (and their paths, when known); classes are resolved
    to a fixed point so that abstract bases defined after (or in another file than) their
    subclasses still count."""
    index = ModelIndex()
    pending: list[tuple[str, ast.ClassDef, str | None]] = []
    headers_by_file = [_headers(source) for source in sources]
    model_like = _model_like_names(headers_by_file)
    for number, source in enumerate(sources):
        if not _may_define_models(headers_by_file[number], model_like):
            continue
        try:
            tree = file_tree.parse(paths[number], source) if paths else file_tree.parse_source(source)
            _scan_file(tree, index, pending, paths[number] if paths else None)
        except (SyntaxError, ValueError):
            continue
    model_names: set[str] = set()
    found: list[tuple[str, ast.ClassDef, str | None]] = []
    changed = True
    while changed:
        changed = False
        for entry in pending:
            name, node, path = entry
            if entry not in found and any(_is_model_base(b, model_names) for b in node.bases):
                found.append(entry)
                model_names.add(name)
                changed = True
    # parents before children, so that inherited relations are there when a child is added
    found.sort(key=lambda entry: _depth(entry[1], {n: e for n, e, _p in found}))
    # A class name used by one model is its key; names reused across apps are keyed by module.
    counts: dict[str, int] = {}
    for name, _node, _path in found:
        counts[name] = counts.get(name, 0) + 1

    # The custom user model, when there is one: several candidates (a test suite's many custom
    # users) cannot all be AUTH_USER_MODEL, and merging them would give User their fields.
    user_models = [name for name, node, _path in found if _is_user_model(name, node)]

    def key_of(name: str, node: ast.ClassDef, path: str | None) -> str:
        if len(user_models) == 1 and user_models[0] == name:
            return USER_MODEL
        if counts[name] == 1 or path is None:
            return name
        return f"{module_name_of(path)}.{name}"

    keys = {(name, path): key_of(name, node, path) for name, node, path in found}
    for (name, _path), key in keys.items():
        index.keys_by_name.setdefault(name, []).append(key)

    def resolver(path: str | None):
        def resolve(target: str, target_node: ast.expr) -> str:
            if target == USER_MODEL:
                return USER_MODEL
            same_file = keys.get((target, path))
            if same_file is not None:
                return same_file
            candidates = index.keys_by_name.get(target, [])
            if isinstance(target_node, ast.Constant) and "." in target_node.value and len(candidates) > 1:
                app = target_node.value.split(".")[0]
                candidates = [key for key in candidates if f"{app}." in f".{key}"] or candidates
            return candidates[0] if candidates else target
        return resolve

    done: dict[tuple[str, str | None], ModelInfo] = {}

    def parent_info(base: str, path: str | None) -> ModelInfo | None:
        """An abstract or concrete parent: the one in the same file first."""
        if (base, path) in done:
            return done[(base, path)]
        return next((info for (name, _path), info in done.items() if name == base), None)

    for name, node, path in found:
        parents = [info for b in node.bases if (info := parent_info(_base_name(b), path)) is not None]
        info = _add_model(keys[(name, path)], node, index, parents, resolver(path))
        info.path, info.class_name = path, name
        done[(name, path)] = info
    index.models.setdefault(USER_MODEL, ModelInfo(USER_MODEL))
    user = index.models[USER_MODEL]
    user.fields |= {"username", "email", "password", "first_name", "last_name", "is_staff", "is_active", "is_superuser", "last_login", "date_joined", "id", "pk"}
    for name in ("groups", "user_permissions"):
        user.relations.setdefault(name, Relation(name, "m2m", name))
    return index


def _depth(node: ast.ClassDef, classes: dict[str, ast.ClassDef], seen: frozenset = frozenset()) -> int:
    parents = [classes[name] for name in map(_base_name, node.bases) if name in classes and name not in seen]
    return 1 + max((_depth(p, classes, seen | {node.name}) for p in parents), default=0)


def _base_name(base: ast.expr) -> str:
    """The class name a base is written with: ``TimeStamped`` or ``common.TimeStamped``."""
    return base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else ""


_CLASS_NAME = re.compile(r"^[ \t]*class[ \t]+(\w+)", re.MULTILINE)


class LazyModelIndex(ModelIndex):
    """A :class:`ModelIndex` built on first use: a run whose async code never names a model class
    (or whose files all come from the cache) never parses the model files."""

    def __init__(self, sources: list[str], paths: list[str]):  # the dataclass fields come later
        self._sources, self._paths = sources, paths
        # Every key of the index is a class name of these files (or module.ClassName, or User).
        self._class_names = {USER_MODEL, *(name for source in sources for name in _CLASS_NAME.findall(source))}

    def __getattr__(self, name: str):  # only reached for attributes not set yet: the index's fields
        if name.startswith("_"):
            raise AttributeError(name)
        self.load()
        return getattr(self, name)

    def load(self) -> None:
        """Build the index now (worker processes forked after this share it)."""
        if "models" not in self.__dict__:
            self.__dict__.update(vars(build_index(self._sources, self._paths)))

    @property
    def defines_models(self) -> bool:
        """Whether the model files hold any class that may be a model (read as text)."""
        return len(self._class_names) > 1  # besides the built-in User

    def resolve(self, name: str, qualified: str = "") -> str | None:
        if "models" not in self.__dict__ and name not in self._class_names and qualified.rpartition(".")[2] not in self._class_names:
            return None  # not a model class name: no need to build the index to know
        return super().resolve(name, qualified)


_CACHE: dict[tuple, ModelIndex] = {}


def index_for(root: Path) -> ModelIndex:
    """The index of the project's models, rebuilt when a model file changes (long-lived
    processes such as test suites run the verifier many times)."""
    files = model_files(root)
    stats = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:  # gone since the walk
            continue
        stats.append((str(path), stat.st_mtime_ns, stat.st_size))
    key = (root, *stats)
    if key not in _CACHE:
        sources, paths = [], []
        for path in files:
            try:
                sources.append(reading.read_python(path))
                paths.append(str(path))
            except (OSError, UnicodeDecodeError):
                continue
        _CACHE.clear()
        _CACHE[key] = LazyModelIndex(sources, paths)
    return _CACHE[key]
