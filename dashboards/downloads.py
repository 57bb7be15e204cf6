"""Downloads (issue 25 item 16): a tab's numbers and its runs as CSV or Parquet, and the report as HTML.

The files are made from the outcomes the tab shows (``Context.outcomes``, so nothing is simulated again): the
numbers are the rows of its table (``compute.paired_differences``: each question's two variants with their 95%
intervals and the paired difference), the runs are the run records of every variant (``store`` layout) with a
``variant`` column, and the report is ``diplosim report``'s page (``simulator.report``) for the runs of the
variant shown (the what-if, or variant B).
"""

from __future__ import annotations

import io

from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from .context import browser_session

WHAT = (("numbers-csv", "numbers (CSV)"), ("numbers-parquet", "numbers (Parquet)"), ("runs-csv", "runs (CSV)"),
        ("runs-parquet", "runs (Parquet)"), ("report", "report (HTML)"))


def layout(prefix: str) -> html.Div:
    return html.Div([html.Span("Download: ")] + [html.Button(label, id=f"{prefix}-dl-{key}", className="download")
                                                 for key, label in WHAT]
                    + [dcc.Download(id=f"{prefix}-download")], className="row downloads", id=f"{prefix}-downloads")


def numbers_frame(rows: list[dict], names: tuple[str, str]):
    """The table's rows as columns: question, its kind in words, each variant's value and interval, the change."""
    import pandas as pd

    from simulator.answers import Answer

    def value(entry: dict, key: str):  # the answer's own number for "p": a count's is its mean
        return Answer.of_entry(entry).number() if key == "p" else entry.get(key)

    out = []
    for r in rows:
        row = {"question_id": r["id"], "question": r["text"].strip(), "kind": r["kind"]}
        for name, side in zip(names, ("a", "b")):
            e = r[side]
            row.update({f"{name}": value(e, "p"), f"{name}_low": e.get("low"), f"{name}_high": e.get("high")})
            if e.get("median") is not None:
                row[f"{name}_median"] = str(e["median"])
        row.update({"difference": r["diff"], "difference_low": r["low"], "difference_high": r["high"],
                    "runs_changed": r.get("runs_changed")})
        out.append(row)
    return pd.DataFrame(out)


def runs_table(variants: list[tuple[str, object]]):
    """Every variant's run records, one Arrow table with a ``variant`` column first."""
    import pyarrow as pa

    parts = [t.add_column(0, "variant", pa.array([name] * t.num_rows, pa.string())) for name, t in variants]
    return parts[0] if len(parts) == 1 else pa.concat_tables(parts, promote_options="default")


def report_page(entry, outcome, seed: int, overrides: dict) -> str:
    from simulator.report import Results, build_report
    from simulator.store import base_manifest

    manifest = base_manifest("montecarlo", entry.loaded, entry.compiled, seed,
                             {"runs": outcome.table.num_rows, "overrides": overrides, "engine": "dashboard",
                              "events_for": 0, "complete": True})
    manifest["command"] = ["diplosim dashboard"]
    page, _ = build_report(Results(outcome.table, None, None, manifest, entry.compiled))
    return page


def send(which: str, stem: str, rows: list[dict], names: tuple[str, str], variants: list[tuple[str, object]],
         report) -> dict:
    """The dcc.Download answer for button ``which``."""
    import pyarrow as pa

    if which == "report":
        return dcc.send_string(report(), f"{stem}-report.html")
    if which.startswith("numbers"):
        table = pa.Table.from_pandas(numbers_frame(rows, names), preserve_index=False)
    else:
        table = runs_table(variants)
    return table_file(table, which.split("-")[-1], f"{stem}-{which.split('-')[0]}")


def table_file(table, fmt: str, name: str) -> dict:
    """The dcc.Download answer of an Arrow table (or a pandas frame) as ``name``.csv (``fmt`` 'csv') or
    ``name``.parquet ('parquet')."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not isinstance(table, pa.Table):
        table = pa.Table.from_pandas(table, preserve_index=False)
    buffer = io.BytesIO()
    if fmt == "csv":
        import pyarrow.csv as pcsv

        pcsv.write_csv(table, buffer)
        return dcc.send_bytes(buffer.getvalue(), f"{name}.csv")
    pq.write_table(table, buffer)
    return dcc.send_bytes(buffer.getvalue(), f"{name}.parquet")


def register(app, ctx) -> None:
    from dash import ctx as dash_ctx

    @app.callback(Output("whatif-download", "data"), *[Input(f"whatif-dl-{k}", "n_clicks") for k, _ in WHAT],
                  State("whatif-state", "data"), State("session", "data"), prevent_initial_call=True)
    def whatif_download(*args):
        from .compute import paired_differences, simulate_many
        from .state import parse_search

        search, session = args[-2], browser_session(args[-1])
        main = ctx.get(None, session)
        if main is None or dash_ctx.triggered_id is None:
            raise PreventUpdate
        state, _ = parse_search(search, main.key, ctx.table_for(session), ctx.runs, ctx.seed)
        entry = ctx.get(state.scenario, session)
        wanted = [(state.scenario, state.seed, state.runs, {})]
        if state.overrides:
            wanted.append((state.scenario, state.seed, state.runs, state.overrides))
        got = [o for o, _ in simulate_many(ctx, wanted, session, None)]
        rows = paired_differences(got[0], got[-1], entry.compiled, entry.compiled)
        variants = [("baseline", got[0].table)] + ([("what-if", got[1].table)] if state.overrides else [])
        stem = _stem(entry)
        return send(dash_ctx.triggered_id.removeprefix("whatif-dl-"), stem, rows, ("baseline", "what_if"),
                    variants, lambda: report_page(entry, got[-1], state.seed, state.overrides))

    @app.callback(Output("compare-download", "data"), *[Input(f"compare-dl-{k}", "n_clicks") for k, _ in WHAT],
                  State("compare-shown", "data"), State("session", "data"), prevent_initial_call=True)
    def compare_download(*args):
        from .compute import paired_differences, simulate_many

        shown, session = args[-2], browser_session(args[-1])
        if not shown or dash_ctx.triggered_id is None:
            raise PreventUpdate
        ea, eb = ctx.get(shown["a"], session), ctx.get(shown["b"], session)
        if ea is None or eb is None:
            raise PreventUpdate
        sets_a, sets_b = dict(shown["sets_a"]), dict(shown["sets_b"])
        got = [o for o, _ in simulate_many(ctx, [(shown["a"], shown["seed"], shown["runs"], sets_a),
                                                 (shown["b"], shown["seed"], shown["runs"], sets_b)], session, None)]
        rows = paired_differences(got[0], got[1], ea.compiled, eb.compiled)
        return send(dash_ctx.triggered_id.removeprefix("compare-dl-"), f"compare-{_stem(eb)}", rows, ("A", "B"),
                    [("A", got[0].table), ("B", got[1].table)],
                    lambda: report_page(eb, got[1], shown["seed"], sets_b))


def _stem(entry) -> str:
    import re

    name = getattr(entry.loaded, "path", None)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", str(name.stem if name is not None else entry.key))
    return stem[:60] or "scenario"
