"""What a project's Django REST framework serializer reads from the instance it represents: the
relations behind its fields, read by ``serializer.data`` (``to_representation``).

Read from DRF 3.x (``serializers.py``, ``relations.py``):

- a nested serializer field reads its relation (``many=True``: every row of it);
- ``PrimaryKeyRelatedField`` (what a ``ModelSerializer`` builds for a foreign key at ``depth = 0``)
  and ``HyperlinkedRelatedField`` read only the key column (``order.customer_id``), unless their
  ``source`` goes through another relation; with ``many=True`` (a many-to-many field) they list
  the related rows;
- ``StringRelatedField``, ``SlugRelatedField`` and plain fields whose ``source`` is a relation
  (``source="customer.name"``) load the related object;
- ``depth = n`` nests serializers for the model's relations, ``n`` levels down;
- ``SerializerMethodField`` runs ``get_<name>(obj)``, a method of the project followed like any
  helper.

Only serializers built on ``rest_framework.serializers`` or ``adrf.serializers`` through the
project's own classes count, and only when nothing of the project changes which fields there are
or how they are read (``__init__``, ``get_fields``, ``to_representation``): otherwise no guess.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from verify.analysis.models_index import ModelIndex

_DRF_MODULES = ("rest_framework.serializers.", "adrf.serializers.")
_MODEL_SERIALIZERS = frozenset({"ModelSerializer", "HyperlinkedModelSerializer"})
_SERIALIZERS = _MODEL_SERIALIZERS | {"Serializer"}
_KEY_ONLY = frozenset({"PrimaryKeyRelatedField", "HyperlinkedRelatedField"})
_CHANGES_FIELDS = frozenset({"__init__", "get_fields", "to_representation", "get_field_names", "build_field"})
_TO_ONE = ("fk", "o2o", "reverse_o2o")
MAX_NESTING = 4


@dataclass(frozen=True)
class Read:
    """A relation ``.data`` reads: ``path`` as ``select_related``/``prefetch_related`` spell it."""

    path: str
    many: bool  # the path reaches a to-many relation: only prefetch_related loads it
    field: str  # the serializer field that reads it
    star_loaded: bool  # select_related() with no names loads it (non-null foreign keys all the way)


@dataclass(frozen=True)
class Method:
    field: str
    module: object  # verify.analysis.summaries.Module
    qualname: str
    node: ast.FunctionDef


@dataclass(frozen=True)
class Shape:
    reads: tuple[Read, ...]
    methods: tuple[Method, ...]
    adrf: bool  # built on adrf's serializers: `await serializer.adata` is there


class _Class:
    def __init__(self, module, node: ast.ClassDef):
        self.module, self.node = module, node


def _hierarchy(project, module, class_name: str) -> tuple[list[_Class], str, bool] | None:
    """The project classes of a serializer, the class itself first, the DRF base it ends in and
    whether that is adrf's; None when it is not a DRF serializer or a base is neither the project's nor DRF's."""
    found: list[_Class] = []
    drf: set[str] = set()
    todo = [(module, class_name)]
    seen = set()
    adrf = False
    while todo:
        current, name = todo.pop(0)
        if (current.name, name) in seen:
            continue
        seen.add((current.name, name))
        node = current.classes.get(name)
        if node is None:
            return None
        found.append(_Class(current, node))
        for base in node.bases:
            qualified = current.file.qualified(base) or ""
            if qualified.startswith(_DRF_MODULES):
                drf.add(qualified.rsplit(".", 1)[1])
                adrf = adrf or qualified.startswith("adrf.")
                continue
            resolved = project.resolve_name(current.file, base.id) if isinstance(base, ast.Name) else None
            if resolved is None or resolved[1] not in resolved[0].classes:
                return None  # a base of another library may read the instance its own way
            todo.append(resolved)
    if len(drf) != 1 or not drf <= _SERIALIZERS:
        return None
    return found, drf.pop(), adrf


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _keyword(call: ast.Call, name: str):
    value = next((k.value for k in call.keywords if k.arg == name), None)
    return value.value if isinstance(value, ast.Constant) else value


class _Reader:
    def __init__(self, project, models: ModelIndex):
        self.project = project
        self.models = models
        self.reads: list[Read] = []
        self.methods: list[Method] = []
        self.adrf = False

    def relation_path(self, model: str | None, attrs: list[str], prefix: str, many: bool, star: bool, field: str,
                      whole: bool) -> tuple[str | None, str, bool, bool]:
        """Follow ``attrs`` (a dotted ``source``) through the model's relations, recording each
        relation read on the way (the last one only when ``whole``: its object is read, not just
        its key). Returns the model, path, to-many flag and select_related() flag at the end."""
        path = prefix
        for index, attr in enumerate(attrs):
            relation = self.models.relation(model, attr)
            if relation is None:
                return None, path, many, star
            last = index == len(attrs) - 1
            path = f"{path}__{attr}" if path else attr
            many = many or relation.kind not in _TO_ONE
            star = star and relation.kind in ("fk", "o2o") and not relation.null
            if not last or whole or relation.kind not in ("fk", "o2o"):
                self.reads.append(Read(path, many, field, star))
            model = relation.target
            if relation.kind not in _TO_ONE and not last:
                return None, path, many, star  # `tags.count`: a manager's attribute, not a field path
        return model, path, many, star

    def serializer(self, module, class_name: str, model: str | None, prefix: str, many: bool, star: bool, depth: int) -> bool:
        """Record what the serializer reads below ``prefix``; False when that is not known."""
        if depth > MAX_NESTING:
            return False
        found = _hierarchy(self.project, module, class_name)
        if found is None:
            return False
        classes, base, adrf = found
        if depth == 0:
            self.adrf = adrf
        if any(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in _CHANGES_FIELDS
               for cls in classes for item in cls.node.body):
            return False
        declared: dict[str, tuple[_Class, ast.Call]] = {}
        for cls in reversed(classes):  # a subclass's field replaces its base's
            for item in cls.node.body:
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Call):
                    for target in item.targets:
                        if isinstance(target, ast.Name):
                            declared[target.id] = (cls, item.value)
        meta = next((item for cls in classes for item in cls.node.body if isinstance(item, ast.ClassDef) and item.name == "Meta"), None)
        options = {t.id: item.value for item in (meta.body if meta else []) if isinstance(item, ast.Assign)
                   for t in item.targets if isinstance(t, ast.Name)}
        names = list(declared)
        if base in _MODEL_SERIALIZERS:
            owner = next(cls for cls in classes if meta in cls.node.body) if meta else None
            model = self._meta_model(owner, options.get("model"))
            info = self.models.get(model)
            if info is None:
                return False
            names = self._field_names(info, options, declared)
            if names is None:
                return False
            nested_depth = options.get("depth")
            nested_depth = nested_depth.value if isinstance(nested_depth, ast.Constant) and isinstance(nested_depth.value, int) else 0
            for name in names:
                if name not in declared:
                    self._model_field(model, name, prefix, many, star, nested_depth)
        for name in names:
            if name in declared:
                cls, call = declared[name]
                if not self._declared(cls, name, call, model, prefix, many, star, depth, classes):
                    return False
        return True

    def _meta_model(self, owner: _Class | None, node) -> str | None:
        if owner is None or not isinstance(node, (ast.Name, ast.Attribute)):
            return None
        name = node.id if isinstance(node, ast.Name) else node.attr
        file = owner.module.file
        return self.models.resolve(name, file.qualified(node) or f"{owner.module.name}.{name}")

    def _field_names(self, info, options: dict, declared: dict) -> list[str] | None:
        fields, exclude = options.get("fields"), options.get("exclude")
        if isinstance(fields, ast.Constant) and fields.value == "__all__" or fields is None and exclude is not None:
            forward = [name for name, relation in info.relations.items() if relation.kind in ("fk", "o2o", "m2m")]
            names = [*declared, *forward]
            if exclude is not None:
                if not isinstance(exclude, (ast.List, ast.Tuple)):
                    return None
                excluded = {e.value for e in exclude.elts if isinstance(e, ast.Constant)}
                names = [name for name in names if name not in excluded]
            return names
        if isinstance(fields, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in fields.elts):
            return [e.value for e in fields.elts]
        return None

    def _model_field(self, model: str, name: str, prefix: str, many: bool, star: bool, depth: int) -> None:
        """A field a ModelSerializer builds for a model attribute: relations only."""
        relation = self.models.relation(model, name)
        if relation is None:
            return
        path = f"{prefix}__{name}" if prefix else name
        to_one = relation.kind in _TO_ONE
        if relation.kind in ("fk", "o2o") and depth == 0:
            return  # PrimaryKeyRelatedField: the key column
        self.reads.append(Read(path, many or not to_one, name, star and relation.kind in ("fk", "o2o") and not relation.null))
        if depth > 0:
            target = self.models.get(relation.target)
            for inner, inner_relation in (target.relations.items() if target else ()):
                if inner_relation.kind in ("fk", "o2o", "m2m"):
                    self._model_field(relation.target, inner, path, many or not to_one,
                                      star and relation.kind in ("fk", "o2o") and not relation.null, depth - 1)

    def _declared(self, cls: _Class, name: str, call: ast.Call, model: str | None, prefix: str, many: bool, star: bool,
                  depth: int, classes: list[_Class]) -> bool:
        kind = _call_name(call)
        source = _keyword(call, "source")
        if source is not None and not isinstance(source, str):
            return False
        if source == "*":  # the instance itself
            nested = self._nested(cls, call)
            return nested is None or self.serializer(nested[0], nested[1], model, prefix, many, star, depth + 1)
        attrs = (source or name).split(".")
        field_many = _keyword(call, "many") is True
        if kind == "SerializerMethodField":
            method = _keyword(call, "method_name") or f"get_{name}"
            node = next((item for c in classes for item in c.node.body if isinstance(item, ast.FunctionDef) and item.name == method), None)
            owner = next((c for c in classes if node in c.node.body), None)
            if node is None or owner is None:
                return False
            if not prefix:  # a nested serializer's method runs on the related objects: not followed
                self.methods.append(Method(name, owner.module, f"{owner.node.name}.{method}", node))
            return True
        nested = self._nested(cls, call)
        if nested is not None:
            target, path, to_many, star_end = self.relation_path(model, attrs, prefix, many, star, name, whole=True)
            if target is None and path == prefix:
                return True  # not a relation of the model (a property, a dict key): not followed
            return self.serializer(nested[0], nested[1], target, path, to_many or field_many, star_end, depth + 1)
        whole = kind not in _KEY_ONLY or field_many
        self.relation_path(model, attrs, prefix, many, star, name, whole=whole)
        return True

    def _nested(self, cls: _Class, call: ast.Call):
        """The project serializer a field is an instance of: (module, class name), or None."""
        if not isinstance(call.func, ast.Name):
            return None
        found = self.project.resolve_name(cls.module.file, call.func.id)
        if found is None or found[1] not in found[0].classes or _hierarchy(self.project, *found) is None:
            return None
        return found


def shape(project, cls: str, model: str | None) -> Shape | None:
    """What ``Serializer(instance).data`` reads for the project serializer ``cls`` (its qualified
    name) over an instance of ``model``; None when it is not a DRF serializer or not known."""
    cache = project.__dict__.setdefault("_serializer_shapes", {})
    key = (cls, model)
    if key not in cache:
        module_name, _, class_name = cls.rpartition(".")
        module = project.module(module_name) if module_name else None
        reader = _Reader(project, project.models)
        known = module is not None and reader.serializer(module, class_name, model, "", False, True, 0)
        cache[key] = Shape(tuple(dict.fromkeys(reader.reads)), tuple(reader.methods), reader.adrf) if known else None
    return cache[key]


# Fields whose to_internal_value() looks the object up: `queryset.get(...)` (relations.py).
_LOOKUP_FIELDS = frozenset({"PrimaryKeyRelatedField", "SlugRelatedField", "HyperlinkedRelatedField"})
_CHANGES_VALIDATION = frozenset({"__init__", "get_fields", "is_valid", "run_validation", "to_internal_value", "get_validators"})


def _declared_and_meta(classes: list[_Class]) -> tuple[dict[str, ast.Call], dict[str, ast.expr], _Class | None]:
    declared: dict[str, ast.Call] = {}
    for cls in reversed(classes):
        for item in cls.node.body:
            if isinstance(item, ast.Assign) and isinstance(item.value, ast.Call):
                declared.update((target.id, item.value) for target in item.targets if isinstance(target, ast.Name))
    owner, meta = next(((cls, item) for cls in classes for item in cls.node.body if isinstance(item, ast.ClassDef) and item.name == "Meta"),
                       (None, None))
    options = {t.id: item.value for item in (meta.body if meta else []) if isinstance(item, ast.Assign)
               for t in item.targets if isinstance(t, ast.Name)}
    return declared, options, owner


def _defines(classes: list[_Class], names: frozenset[str]) -> bool:
    return any(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in names
               for cls in classes for item in cls.node.body)


def _serializer(project, cls: str):
    module_name, _, class_name = cls.rpartition(".")
    module = project.module(module_name) if module_name else None
    return _hierarchy(project, module, class_name) if module is not None else None


def validation_lookups(project, cls: str) -> list[str] | None:
    """The writable fields whose validation queries (related-object lookups, ``unique`` model
    fields checked by ``UniqueValidator``) of the project serializer ``cls``; None when not known."""
    found = _serializer(project, cls)
    if found is None:
        return None
    classes, base, _adrf = found
    if _defines(classes, _CHANGES_VALIDATION):
        return None
    declared, options, owner = _declared_and_meta(classes)
    lookups = [name for name, call in declared.items()
               if _call_name(call) in _LOOKUP_FIELDS and _keyword(call, "read_only") is not True]
    if base not in _MODEL_SERIALIZERS:
        return lookups
    reader = _Reader(project, project.models)
    model = reader._meta_model(owner, options.get("model"))
    info = project.models.get(model)
    if info is None:
        return None
    names = reader._field_names(info, options, declared)
    read_only = _strings_of(options.get("read_only_fields")) or set()
    depth = options.get("depth")
    if names is None or depth is not None and not (isinstance(depth, ast.Constant) and depth.value == 0):
        return None  # nested serializers for relations (depth) are read-only: left alone
    for name in names:
        if name in declared or name in read_only:
            continue
        relation = info.relations.get(name)
        if relation is not None and relation.kind in ("fk", "o2o", "m2m") and relation.editable or name in info.unique:
            lookups.append(name)
    return lookups


def is_adrf(project, cls: str) -> bool:
    found = _serializer(project, cls)
    return found is not None and found[2]


def _strings_of(node) -> set[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)):
        return {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return None
