"""Small HTML building blocks shared by the dashboard's views."""

from __future__ import annotations

from dash import dcc, html


def pct(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "-"
    return f"{100 * x:+.1f}%" if signed else f"{100 * x:.1f}%"


def interval(entry: dict) -> str:
    """``63.6% [59.3%, 67.7%]`` from a summary entry with p/low/high; ``mean 1.40 (median 1)`` for a count."""
    if entry.get("kind") == "count":
        return "-" if entry.get("mean") is None else f"mean {entry['mean']:.2f} (median {entry['median']})"
    return f"{pct(entry['p'])} [{pct(entry['low'])}, {pct(entry['high'])}]"


def difference(row: dict) -> str:
    """A paired difference with its interval: percentage points, or times for a count question."""
    if row.get("kind") == "count":
        return f"{row['diff']:+.2f} [{row['low']:+.2f}, {row['high']:+.2f}] times"
    return f"{pct(row['diff'], True)} [{pct(row['low'], True)}, {pct(row['high'], True)}]"


def probabilities(rows: list[dict]) -> list[dict]:
    """The rows whose difference is in probability (the difference chart's axis); count questions are not."""
    return [r for r in rows if r.get("kind") != "count"]


def table(headers: list[str], rows: list[list], **kwargs) -> html.Table:
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in headers])),
                       html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows])],
                      className="grid", **kwargs)


def problems(lines: list[str]) -> html.Div | None:
    """One-line validation messages, shown in the page (never a traceback)."""
    if not lines:
        return None
    return html.Div([html.Div(line, className="problem") for line in lines], className="problems", role="alert")


def failure(what: str, exc: Exception) -> html.Div:
    """A computation that failed (a rule raising, say) is reported in the page in one line; the app keeps running."""
    first = (str(exc).strip().splitlines() or [""])[0]
    return problems([f"{what} failed: {type(exc).__name__}: {first}"])


def number(id_: str, value: int, low: int = 0, high: int | None = None, **kwargs) -> dcc.Input:
    """A whole-number input wide enough for its value."""
    return dcc.Input(id=id_, type="number", min=low, max=high, step=1, value=value, style={"width": "7em"}, **kwargs)


def section(title: str, *children, **kwargs) -> html.Section:
    return html.Section([html.H3(title), *children], **kwargs)


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222}
header{background:#243b55;color:#fff;padding:.6em 1.5em;display:flex;gap:1.5em;align-items:center;flex-wrap:wrap}
header h1{font-size:1.25em;margin:0}main{padding:.5em 1.5em}
.grid{border-collapse:collapse;margin:.4em 0}.grid td,.grid th{border:1px solid #ddd;padding:.2em .5em;
text-align:left;vertical-align:top;font-size:.9em}.grid th{background:#f3f3f3}
.problems{background:#fdecea;border:1px solid #d73027;padding:.4em .8em;margin:.5em 0}
.problem{font-family:ui-monospace,monospace;font-size:.88em;color:#8b0000}
.status{color:#555;font-size:.9em;margin:.3em 0}
.controls{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:.2em 1.5em}
.param{padding:.2em 0}.param label{font-size:.85em;font-family:ui-monospace,monospace}
.param .dist{font-size:.78em;color:#666}
.row{display:flex;gap:1em;flex-wrap:wrap;align-items:flex-end}.half{flex:1 1 600px;min-width:0}
.upload{border:1px dashed #fff;padding:.3em .8em;cursor:pointer;font-size:.9em}
textarea{width:100%;font-family:ui-monospace,monospace}
"""
