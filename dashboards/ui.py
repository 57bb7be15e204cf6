"""Small HTML building blocks shared by the dashboard's views."""

from __future__ import annotations

from dash import dcc, html


def graph(**kwargs) -> dcc.Graph:
    """A chart of the dashboard: every one takes the charts' config (``simulator.charts.FIGURE_CONFIG``: no
    button that sends it to a cloud service)."""
    from simulator.charts import FIGURE_CONFIG

    return dcc.Graph(config=dict(FIGURE_CONFIG), **kwargs)


def pct(x: float | None) -> str:
    """A probability (a level, never a change: changes are in points, ``charts.words.points``)."""
    return "-" if x is None else f"{100 * x:.1f}%"


def interval(entry: dict) -> str:
    """``63.6% [59.3%, 67.7%]`` from a summary entry with p/low/high; ``mean 1.40 (median 1)`` for a count."""
    if entry.get("kind") == "count":
        return "-" if entry.get("mean") is None else f"mean {entry['mean']:.2f} (median {entry['median']})"
    return f"{pct(entry['p'])} [{pct(entry['low'])}, {pct(entry['high'])}]"


def difference(row: dict) -> str:
    """A paired difference with its interval: percentage points, or times for a count question."""
    from simulator.charts.words import points, signed

    if row.get("kind") == "count":
        return f"{signed(row['diff'], 2)} [{signed(row['low'], 2)}, {signed(row['high'], 2)}] times"
    return points(row["diff"], row["low"], row["high"])


def probabilities(rows: list[dict]) -> list[dict]:
    """The rows whose difference is in probability (the difference chart's axis); count questions are not."""
    return [r for r in rows if r.get("kind") != "count"]


def whole_pct(x: float) -> str:
    """A headline probability: whole percent, one decimal where rounding would say 0% or 100% wrongly."""
    v = 100 * x
    text = f"{v:.0f}%"
    if text in ("0%", "100%") and 0 < x < 1:
        text = f"{v:.1f}%"
    return text


def pts(diff: float, low: float, high: float) -> str:
    """A paired change in percentage points with its interval: '+17 pts [+13, +20]' (one decimal below 10)."""
    from simulator.charts.words import points

    return points(diff, low, high, 0 if max(abs(diff), abs(low), abs(high)) >= 0.095 else 1)


def date_range(entry: dict) -> tuple[str, str]:
    """(median date, '10-90%: a to b') of a date question's summary entry, as people read dates."""
    import datetime as dt

    from simulator.charts.frames import day

    def fmt(iso, never="not within the calendar"):
        return never if iso is None else day(dt.date.fromisoformat(str(iso)[:10]))

    return fmt(entry.get("median")), (f"10–90%: {fmt(entry.get('p10'))} to "
                                      f"{fmt(entry.get('p90'), 'after the calendar ends')}")


def headlines(rows: list[dict], base: str = "baseline", alt: str = "what-if", paired: bool = True,
              id_: str = "headlines") -> html.Div:
    """One card per question: the variant's probability large, the baseline beside it, the paired change with its
    95% interval ('79% (baseline 62%) +17 pts [+13, +20]'); date questions give the median date and 10-90% range;
    count questions the mean number of times, with the paired change in times.
    Without a second variant (``paired=False``) a card gives the number and its 95% Wilson interval."""
    cards = []
    for r in rows:
        a, b = r["a"], r["b"]
        change = pts(r["diff"], r["low"], r["high"])
        tone = "up" if r["low"] > 0 else "down" if r["high"] < 0 else "flat"
        if r["kind"] == "count":
            big = "-" if b.get("mean") is None else f"{b['mean']:.2f}"
            spread = f"10–90%: {b.get('p10')} to {b.get('p90')} times"
            if paired:
                base_mean = "-" if a.get("mean") is None else f"{a['mean']:.2f}"
                small = [html.Span(f"({base} {base_mean}) ", className="base"),
                         html.Span(difference(r), className=f"change {tone}"), html.Br(),
                         html.Span(spread, className="spread")]
            else:
                small = [html.Span(spread, className="spread")]
            label = f"times on average ({alt if paired else base})"
        elif r["kind"] == "date":
            median, spread = date_range(b)
            big = median
            if paired:
                base_median, _ = date_range(a)
                small = [html.Span(f"({base} {base_median})", className="base"), html.Br(),
                         html.Span(spread, className="spread"), html.Br(),
                         html.Span(f"happens by the end: {whole_pct(b['p'])} ({base} {whole_pct(a['p'])}) "),
                         html.Span(change, className=f"change {tone}")]
            else:
                small = [html.Span(spread, className="spread"), html.Br(),
                         html.Span(f"happens by the end: {whole_pct(b['p'])}")]
            label = "median date"
        else:
            big = whole_pct(b["p"])
            if paired:
                small = [html.Span(f"({base} {whole_pct(a['p'])}) ", className="base"),
                         html.Span(change, className=f"change {tone}")]
            else:
                small = [html.Span(f"95% interval {whole_pct(b['low'])} to {whole_pct(b['high'])}",
                                   className="base")]
            label = alt if paired else base
        cards.append(html.Div([html.Div(r["text"], className="q"),
                               html.Div([html.Span(big, className="big"), html.Span(f" {label}", className="what")]),
                               html.Div(small, className="small")],
                              className="card", id=f"{id_}-{r['id']}"))
    return html.Div(cards, className="headlines", id=id_)


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
.headlines{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:.6em;margin:.6em 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.5em .8em;background:#fafafa}
.card .q{font-size:.85em;color:#444;min-height:2.4em}.card .big{font-size:1.9em;font-weight:600;color:#111}
.card .what{font-size:.8em;color:#666}.card .small{font-size:.88em;color:#333}
.change{font-weight:600}.change.up{color:#1a7d3c}.change.down{color:#b2261b}.change.flat{color:#666}
.param .head{display:flex;justify-content:space-between;gap:.5em;align-items:baseline}
.param .head label{font-family:inherit;font-size:.9em;font-weight:600}
.param .value{font-family:ui-monospace,monospace;font-size:.85em;white-space:nowrap;background:#eef;
padding:0 .35em;border-radius:3px}.param .value.fixed{background:#ffe7b3}
.param .code{font-family:ui-monospace,monospace;color:#777}.param a{font-size:.78em}
.note{background:#fff8e1;border:1px solid #e0c060;padding:.3em .8em;margin:.4em 0;font-size:.9em}
.hidden{display:none}
"""
