"""Where rules come from: built-ins, installed plugins (entry points) and ``--plugin module:Class``.

A scenario names rules; it can never import code. Code is loaded only from
packages the user installed (entry-point group ``simulator.rules``) or from a
``module:Class`` the user names on the command line.
"""

from __future__ import annotations

import importlib
import re
import sys
import warnings
from importlib.metadata import entry_points
from pathlib import Path

from .base import MediatorRule, ParamSpec, PartyRule, Rule

ENTRY_POINT_GROUP = "simulator.rules"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class RulePluginError(ValueError):
    """A plugin rule could not be loaded or is not a valid rule; the message is one line."""


def check_rule_class(obj, where: str) -> type[Rule]:
    """Raise RulePluginError unless ``obj`` is a usable rule class."""
    if not (isinstance(obj, type) and issubclass(obj, (PartyRule, MediatorRule))):
        raise RulePluginError(f"{where}: {obj!r} is not a subclass of simulator.rules.PartyRule or MediatorRule")
    name = getattr(obj, "name", None)
    if not isinstance(name, str) or not _NAME.match(name):
        raise RulePluginError(f"{where}: rule class {obj.__name__} needs a 'name' of lower-case letters, digits and _")
    if not isinstance(obj.params, dict) or not all(isinstance(s, ParamSpec) for s in obj.params.values()):
        raise RulePluginError(f"{where}: {obj.__name__}.params must map parameter names to ParamSpec")
    for pname, spec in obj.params.items():
        if spec.default is not None and not spec.low <= spec.default <= spec.high:
            raise RulePluginError(f"{where}: {obj.__name__}.params['{pname}'] default {spec.default} is outside "
                                  f"[{spec.low}, {spec.high}]")
    return obj


class Registry:
    def __init__(self, builtin: dict[str, type[Rule]]):
        self.builtin = dict(builtin)
        self.extra: dict[str, tuple[type[Rule], str]] = {}  # name -> (class, where it came from)
        self.broken: dict[str, str] = {}  # entry point name -> why it failed to load
        self._entry_points_loaded = False

    def _load_entry_points(self) -> None:
        if self._entry_points_loaded:
            return
        self._entry_points_loaded = True
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            where = f"entry point '{ep.name}' ({ep.value})"
            try:
                cls = check_rule_class(ep.load(), where)
                self.add(cls, f"plugin {ep.dist.name if ep.dist else ep.value}")
            except Exception as exc:  # noqa: BLE001 - a broken installed plugin must not break the others
                self.broken[ep.name] = f"{type(exc).__name__}: {exc}"
                warnings.warn(f"{where} could not be loaded: {exc}", RuntimeWarning, stacklevel=2)

    def add(self, cls: type[Rule], source: str) -> None:
        if cls.name in self.builtin and self.builtin[cls.name] is not cls:
            raise RulePluginError(f"{source}: rule name '{cls.name}' is taken by a built-in rule")
        known = self.extra.get(cls.name)
        if known is not None and known[0] is not cls:
            raise RulePluginError(f"{source}: rule name '{cls.name}' is already registered by {known[1]}")
        if cls.name not in self.builtin:
            self.extra[cls.name] = (cls, source)

    def remove(self, name: str) -> None:
        self.extra.pop(name, None)

    def all(self) -> dict[str, type[Rule]]:
        self._load_entry_points()
        return {**self.builtin, **{n: c for n, (c, _) in self.extra.items()}}

    def source(self, name: str) -> str:
        self._load_entry_points()
        return "built-in" if name in self.builtin else self.extra[name][1]


def import_rule(spec: str) -> type[Rule]:
    """Import ``module:Class`` (the current directory is searched too); raise RulePluginError with one line."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise RulePluginError(f"--plugin: '{spec}' is not of the form module:Class")
    if str(Path.cwd()) not in sys.path and "" not in sys.path:
        sys.path.append(str(Path.cwd()))  # after installed packages: a local file never shadows them
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001 - any import failure becomes a one-line message
        raise RulePluginError(f"--plugin {spec}: cannot import '{module_name}': {type(exc).__name__}: {exc}") from None
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise RulePluginError(f"--plugin {spec}: module '{module_name}' has no attribute '{attr}'")
        obj = getattr(obj, part)
    return check_rule_class(obj, f"--plugin {spec}")
