"""A fast reading of ordinary scenario YAML through libyaml (PyYAML's C parser), with line numbers.

The loader's reference reading is ruamel's round-trip parser (YAML 1.2), pure Python: about 0.1 s
for the seed scenario, more than the rest of loading. libyaml parses and composes the same file in a
few milliseconds and keeps every node's position. This module turns libyaml's node tree into the
same plain data and the same ``document path -> (line, column)`` map, but only for files it reads
exactly as ruamel would: plain maps, lists and scalars whose YAML 1.2 type is unambiguous. Anything
else (an explicit tag, an anchor or alias, a merge key, a duplicate key, a number or time in a
less common spelling, a syntax error) returns ``None``, and the loader reads the file with ruamel,
which gives its usual values and one-line errors. ``tests/test_yaml_fast.py`` checks that both
readings agree on every YAML file of the project and on generated documents.
"""

from __future__ import annotations

import datetime as dt
import re

_PLAIN, _QUOTED, _MAP, _SEQ = "!fast/plain", "!fast/quoted", "!fast/map", "!fast/seq"

_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9]*)\.[0-9]+")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# every plain scalar that some YAML version or ruamel could read as other than a string; those that
# are not one of the plain forms above are left to ruamel
_SPECIAL = re.compile(r"""[-+]?[0-9._:]+([eE][-+]?[0-9]+)?|[-+]?\.?(inf|Inf|INF|nan|NaN|NAN)
                          |[-+]?0[xXoObB][0-9a-fA-F_]+|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?
                          |y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|<<|=""", re.X)


class _Fallback(Exception):
    """The file is not one this reader takes: read it with ruamel."""


def _loader():
    import yaml

    if not getattr(yaml, "__with_libyaml__", False):
        return None
    from yaml.cyaml import CParser

    class Loader(CParser):
        """libyaml's parser and composer; every implicit tag is marked plain, quoted, map or sequence, so an
        explicit tag is told apart from a resolved one."""

        def descend_resolver(self, parent, index):
            pass

        def ascend_resolver(self):
            pass

        def resolve(self, kind, value, implicit):
            if kind is yaml.ScalarNode:
                return _PLAIN if implicit[0] else _QUOTED
            return _MAP if kind is yaml.MappingNode else _SEQ

    return Loader, yaml


_LOADER: list = []


def _scalar(node):
    if node.tag == _QUOTED:  # quoted, literal or folded: a string as written
        return node.value
    if node.tag != _PLAIN:
        raise _Fallback
    v = node.value
    if v in _NULL:
        return None
    if v in _BOOL:
        return _BOOL[v]
    if _INT.fullmatch(v):
        return int(v)
    if _FLOAT.fullmatch(v):
        return float(v)
    m = _DATE.fullmatch(v)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise _Fallback from None
    if _SPECIAL.fullmatch(v):
        raise _Fallback
    return v


def _plain(node, path: tuple, locs: dict, seen: set):
    if id(node) in seen:  # an alias: the same node twice
        raise _Fallback
    seen.add(id(node))
    if node.tag == _MAP:
        out = {}
        for k, v in node.value:
            if k.tag not in (_PLAIN, _QUOTED) or k.value == "<<":
                raise _Fallback
            key = _scalar(k)
            if isinstance(key, (bool, dt.date, float)) or key is None:
                raise _Fallback  # ruamel spells such keys its own way
            key = str(key)
            if key in out:
                raise _Fallback  # a duplicate key: ruamel's error names it
            child = (*path, key)
            locs[child] = (k.start_mark.line + 1, k.start_mark.column + 1)
            out[key] = _plain(v, child, locs, seen)
        return out
    if node.tag == _SEQ:
        out = []
        for i, item in enumerate(node.value):
            child = (*path, i)
            locs[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
            out.append(_plain(item, child, locs, seen))
        return out
    return _scalar(node)


def read(text: str):
    """(plain data, document path -> (line, column)) of ``text``, or None when ruamel must read it."""
    if not _LOADER:
        _LOADER.append(_loader())
    if _LOADER[0] is None:
        return None
    Loader, yaml = _LOADER[0]
    try:
        loader = Loader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
        if root is None:
            return None
        locs: dict[tuple, tuple[int, int]] = {(): (1, 1)}
        return _plain(root, (), locs, set()), locs
    except (_Fallback, yaml.YAMLError, RecursionError):
        return None
