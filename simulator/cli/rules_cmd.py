"""``diplosim rules``: the decision rules available here, with what they declare."""

from __future__ import annotations

import json

import typer

from .typer_app import app
from .common import fail

_FLAGS = {"deterministic_given_draws": "deterministic given the draws", "draw_threshold": "yes exactly when u < p",
          "monotone_in_pressure": "monotone in pressure",
          "respects_hard_preconditions": "respects hard preconditions"}


@app.command()
def rules(
    plugins: list[str] = typer.Option([], "--plugin", help="also load a rule class: module:Class (repeatable)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List the decision rules (built-in, installed plugins, --plugin) with their properties and parameters."""
    from ..api_commands import decision_rules as rule_list

    try:
        found = rule_list(plugins)
    except ValueError as exc:  # a plugin that cannot be loaded (RulePluginError)
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(found.to_dict(), indent=2))
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    for r in found:
        console.print(f"[bold]{r.name}[/bold]  ({r.role} rule, {escape(r.source)})")
        console.print(f"  {escape(r.summary)}")
        props = [label for key, label in _FLAGS.items() if r.properties.get(key)]
        console.print(f"  properties: {', '.join(props) or 'none declared'}")
        params = [f"{p} [{s.low:g}, {s.high:g}]" + ("" if s.default is None else f" default {s.default:g}")
                  for p, s in r.params.items()]
        console.print(f"  parameters: {escape('; '.join(params)) or 'none'}")
    for name, why in found.broken_plugins.items():
        console.print(f"[red]plugin '{name}' failed to load[/red]: {escape(why)}")
