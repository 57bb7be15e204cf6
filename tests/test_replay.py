"""``diplosim replay``: the observed history stepped through a scenario's own gates (simulator/outside_view/replay.py).

Constructed scenarios (built as tests/test_language.py builds them) with an observed file beside them; then the
corpus."""

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from simulator.outside_view.replay import NothingToReplay, ReplayInputError, corpus_replays, load_for_replay, replay
from simulator.cli import app
from simulator.outside_view.corpus import corpus_spells_table
from simulator.outside_view.dataset import COLUMNS, spells_table

from .test_language import A, START, doc, fixed, joint

CORPUS = Path(__file__).resolve().parents[1] / "scenarios"
D = lambda days: START + dt.timedelta(days=days)  # noqa: E731


def unilateral(mid, **kw):
    return {"id": mid, "kind": "unilateral", "name": mid.capitalize(), "actor": "a", "stakes": fixed(0.0),
            "assumption": A, **kw}


def chain_scenario():
    """A; B requires A; C under a hard precondition (held by b) that the dated event 'talks' has happened;
    D requires A and never happens; E requires B."""
    return doc(milestones=[joint("alpha"), joint("beta", requires={"held": "alpha"}), joint("gamma"),
                           unilateral("delta", requires={"held": "alpha"}),
                           joint("eps", requires={"held": "beta"})],
               preconditions=[{"id": "talks_first", "label": "Talks first", "held_by": "b", "before": "gamma",
                               "requires": {"event": "talks"}, "kind": "hard", "assumption": A}],
               calendar={"events": [{"id": "talks", "name": "Talks in Geneva", "date": D(30), "assumption": A}]})


def observed(milestones, resolved_on=D(100)):
    return {"schema_version": 2, "kind": "observed", "scenario": "sc.yaml", "resolved_on": resolved_on,
            "sources": [{"id": "news", "title": "What happened", "publisher": "Wire", "date": START}],
            "milestones": [{"milestone": m, **outcome, "evidence": [{"source": "news", "note": "Reported so."}]}
                           for m, outcome in milestones.items()]}


def write(tmp_path, scenario, obs) -> Path:
    sc = tmp_path / "sc.yaml"
    sc.write_text(yaml.safe_dump(scenario, sort_keys=False))
    if obs is not None:
        (tmp_path / "sc.observed.yaml").write_text(yaml.safe_dump(obs, sort_keys=False))
    return sc


def run_replay(tmp_path, scenario, obs):
    return replay(load_for_replay(write(tmp_path, scenario, obs)))


def by_id(rep):
    return {m.id: m for m in rep.milestones}


def test_a_chain_and_a_hard_precondition_open_on_the_observed_days(tmp_path):
    rep = run_replay(tmp_path, chain_scenario(), observed({"alpha": {"date": D(10)}, "beta": {"date": D(40)},
                                                           "gamma": {"date": D(50)}, "eps": {"date": D(60)}}))
    m = by_id(rep)
    assert m["beta"].possible == D(10) and m["beta"].because == "Alpha has happened"
    assert m["gamma"].possible == D(30)  # the day the precondition's event happened
    assert "Talks first" in m["gamma"].because and "Talks in Geneva has happened" in m["gamma"].because
    assert m["eps"].possible == D(40)
    assert m["alpha"].possible == START and m["alpha"].since_start and m["alpha"].because == "nothing gates it"
    assert (m["beta"].duration_days, m["gamma"].duration_days) == (30, 20)
    assert m["delta"].status == "unknown" and not m["delta"].is_spell  # no outcome: not a spell
    assert m["delta"].possible == D(10)  # still shown: when it could have happened
    rows = rep.spell_rows()
    assert sorted(r["spell"] for r in rows) == ["alpha", "beta", "eps", "gamma"]
    assert all(set(r) == set(COLUMNS) and r["negotiation"] == "sc" and r["event"] for r in rows)
    assert all(r["sources"] == ["news"] and r["class"] is None and r["region"] is None for r in rows)
    assert rep.warnings == []


@pytest.mark.parametrize("resolved_on, censor", [(D(100), D(100)), (D(200), START + dt.timedelta(weeks=20))])
def test_a_milestone_that_never_happened_is_censored_at_the_earlier_of_resolved_on_and_the_calendar_end(
        tmp_path, resolved_on, censor):
    rep = run_replay(tmp_path, chain_scenario(), observed({"alpha": {"date": D(10)}, "delta": {"happened": False}},
                                                          resolved_on))
    delta = by_id(rep)["delta"]
    assert (delta.status, delta.possible, delta.censored, delta.happened) == ("not happened", D(10), censor, None)
    row = next(r for r in rep.spell_rows() if r["spell"] == "delta")
    assert (row["event"], row["censored"], row["happened"], row["duration_days"]) == \
        (False, censor, None, (censor - D(10)).days)


def test_a_gate_that_never_opens_by_the_censoring_day_gives_no_spell(tmp_path):
    rep = run_replay(tmp_path, chain_scenario(), observed({"alpha": {"happened": False},
                                                           "delta": {"happened": False}}))
    delta = by_id(rep)["delta"]
    assert delta.possible is None and not delta.is_spell and delta.warning is None
    assert [r["spell"] for r in rep.spell_rows()] == ["alpha"]


def test_a_milestone_observed_before_its_gate_opened_is_a_warning_not_a_spell(tmp_path):
    rep = run_replay(tmp_path, chain_scenario(), observed({"alpha": {"date": D(40)}, "beta": {"date": D(20)},
                                                           "gamma": {"date": D(25)}}))
    m = by_id(rep)
    assert not m["beta"].is_spell and not m["gamma"].is_spell
    assert "21 Jan 2024" in m["beta"].warning and "Alpha has happened" in m["beta"].warning
    assert "Talks first" in m["gamma"].warning
    assert len(rep.warnings) == 2
    assert [r["spell"] for r in rep.spell_rows()] == ["alpha"]


def test_gates_reading_what_the_observed_file_does_not_record_are_flagged(tmp_path):
    sc = doc(milestones=[joint("alpha", requires={"event": "storm"}), joint("beta", requires={"held": "zeta"}),
                         joint("zeta")],
             calendar={"shocks": [{"id": "storm", "name": "A storm", "hazard": fixed(0.1), "assumption": A}]})
    rep = run_replay(tmp_path, sc, observed({"alpha": {"happened": False}, "beta": {"happened": False}}))
    m = by_id(rep)
    assert m["alpha"].possible is None and any("A storm" in u for u in m["alpha"].uncertain)
    assert any("Zeta" in u and "no observed outcome" in u for u in m["beta"].uncertain)
    assert m["zeta"].uncertain == [] and m["zeta"].status == "unknown"


def test_history_opens_gates_on_its_own_days(tmp_path):
    sc = chain_scenario()
    sc["metadata"]["as_of"] = START
    sc["history"] = {"through": START, "milestones": [{"milestone": "alpha", "date": D(-20), "assumption": A}]}
    rep = run_replay(tmp_path, sc, observed({"beta": {"date": D(5)}}))
    m = by_id(rep)
    assert m["alpha"].status == "history" and not m["alpha"].is_spell
    assert m["beta"].possible == D(-20) and not m["beta"].since_start and m["beta"].duration_days == 25


def test_cli_table_json_and_parquet(tmp_path):
    sc = write(tmp_path, chain_scenario(), observed({"alpha": {"date": D(10)}, "beta": {"date": D(40)},
                                                     "delta": {"happened": False}}))
    runner = CliRunner()
    res = runner.invoke(app, ["replay", str(sc)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "not by 10 Apr 2024" in res.output and "Alpha has happened" in res.output
    out = tmp_path / "spells.parquet"
    res = runner.invoke(app, ["replay", str(sc), "--json", "--out", str(out)])
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["spells"] == 3 and data["negotiation"] == "sc"
    table = pq.read_table(out)
    assert table.column_names == list(COLUMNS) and table.num_rows == 3


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    sc = write(tmp_path, chain_scenario(), None)
    runner = CliRunner()
    res = runner.invoke(app, ["replay", str(sc)])
    assert res.exit_code == 2 and "no observed-outcomes file" in res.output
    assert len(res.output.strip().splitlines()) == 1
    with pytest.raises(ReplayInputError):
        load_for_replay(sc)
    obs = observed({})
    del obs["milestones"]
    obs["questions"] = [{"question": "q", "answer": True, "evidence": [{"source": "news", "note": "Reported so."}]}]
    write(tmp_path, chain_scenario(), obs)
    res = runner.invoke(app, ["replay", str(sc)])
    assert res.exit_code == 2 and len(res.output.strip().splitlines()) == 1
    assert res.output.startswith(f"{tmp_path / 'sc.observed.yaml'}:1:1: milestones: no milestone outcomes")
    with pytest.raises(NothingToReplay):
        load_for_replay(sc)
    res = runner.invoke(app, ["replay", str(sc), "--out", str(tmp_path / "x.csv")])
    assert res.exit_code == 2 and "--out" in res.output


def test_every_corpus_scenario_with_an_observed_file_replays():
    replays, skipped = corpus_replays(CORPUS)
    with_observed = [p for p in CORPUS.glob("*.observed.yaml")]
    assert len(replays) + len(skipped) == len(with_observed)
    assert len(replays) >= 10
    spells = sum(len(r.spells) for r in replays)
    print(f"{len(replays)} corpus scenarios replayed ({len(skipped)} observed files resolve no milestone): "
          f"{spells} spells, {sum(len(r.warnings) for r in replays)} warnings")
    assert spells >= 30
    for r in replays:
        for m in r.spells:
            assert m.possible <= m.end
    table = corpus_spells_table(CORPUS)
    assert list(table.columns) == list(COLUMNS) and len(table) == spells
    both = __import__("pandas").concat([spells_table(), table], ignore_index=True)
    assert len(both) == len(spells_table()) + spells


def test_a_milestone_observed_on_a_day_its_gate_had_closed_is_a_warning_not_a_spell(tmp_path):
    sc = doc(milestones=[joint("alpha"), joint("beta", requires={"not": {"held": "alpha"}})])
    rep = run_replay(tmp_path, sc, observed({"alpha": {"date": D(10)}, "beta": {"date": D(20)}}))
    beta = by_id(rep)["beta"]
    assert beta.possible == START and beta.contradicted and not beta.is_spell
    assert "did not hold" in beta.warning and "not (Alpha has happened)" in beta.warning
    assert [r["spell"] for r in rep.spell_rows()] == ["alpha"]


def test_every_condition_kind_says_what_it_reads():
    from simulator.lang.conditions import KINDS, Condition

    for cls in KINDS.values():
        assert cls.reads is not Condition.reads or cls.children is not Condition.children, cls.__name__
