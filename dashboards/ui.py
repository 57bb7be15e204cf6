"""Small HTML building blocks shared by the dashboard's views."""

from __future__ import annotations

from dash import dcc, html

from simulator.answers import Answer, date_range, pct, pts, whole_pct  # noqa: F401  (the answers' words)

#: the page's tabs: (value, label), in order (the app lays them out; the tabs' state in the URL names them)
TABS = [("scenario", "Scenario"), ("whatif", "What-if"), ("sweep", "Sweep explorer"),
        ("onerun", "One run, step by step"), ("compare", "Compare"), ("track", "Track record")]


def label(name: str, compiled) -> str:
    """``charts.words.human_label``, kept with the compiled scenario: the page names the same parameters and
    switches on every slider move (the What-if's switches, the sweep's parameter menu), and a label walks the
    scenario's models, a few ms each."""
    from simulator.charts.words import human_label

    labels = compiled.__dict__.setdefault("_dashboard_labels", {})
    if name not in labels:
        labels[name] = human_label(name, compiled)
    return labels[name]


def graph(**kwargs) -> dcc.Graph:
    """A chart of the dashboard: every one takes the charts' config (``simulator.charts.FIGURE_CONFIG``: no
    button that sends it to a cloud service)."""
    from simulator.charts import FIGURE_CONFIG

    return dcc.Graph(config=dict(FIGURE_CONFIG), **kwargs)


def interval(entry: dict) -> str:
    """``63.6% [59.3%, 67.7%]`` from a summary entry with p/low/high; ``mean 1.40 (median 1)`` for a count (the
    answer's ``level_words``)."""
    return Answer.of_entry(entry).level_words()


def difference(row: dict) -> str:
    """A paired difference with its interval: percentage points, or times for a count question (the answer
    class's ``difference_words``)."""
    return Answer.class_of(row).difference_words(row)


def probabilities(rows: list[dict]) -> list[dict]:
    """The rows whose difference is in probability (the difference chart's axis); count questions are not."""
    return [r for r in rows if Answer.class_of(r).in_probability]


def headlines(rows: list[dict], base: str = "baseline", alt: str = "what-if", paired: bool = True,
              id_: str = "headlines") -> html.Div:
    """One card per question: the variant's probability large, the baseline beside it, the paired change with its
    95% interval ('79% (baseline 62%) +17 pts [+13, +20]'); date questions give the median date and 10-90% range;
    count questions the mean number of times, with the paired change in times (each answer's ``card``).
    Without a second variant (``paired=False``) a card gives the number and its 95% Wilson interval."""
    cards = []
    for r in rows:
        card = Answer.of_entry(r["b"]).card(Answer.of_entry(r["a"]), r if paired else None, base, alt)
        small = [html.Br() if part is None else html.Span(part[0], className=part[1]) if part[1]
                 else html.Span(part[0]) for part in card["small"]]
        cards.append(html.Div([html.Div(r["text"], className="q"),
                               html.Div([html.Span(card["big"], className="big"),
                                         html.Span(f" {card['label']}", className="what")]),
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
