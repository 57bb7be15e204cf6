"""``diplosim backtest CORPUS --outside-view`` (``outside_view.backtest``): four forecasts side by side (as written,
the outside view alone, with outside-view defaults, the writer's priors), the class curves counted without the
scored negotiation, pooled by track; on a small constructed corpus."""

import datetime as dt
import json

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import simulator
from simulator.cli import app
from simulator.outside_view import views
from simulator.outside_view.backtest import COLUMNS
from simulator.outside_view.dataset import load_dataset
from simulator.outside_view.forecast import own_negotiations

from .test_language import doc, fixed, joint

START = dt.date(2024, 1, 1)
D = lambda days: START + dt.timedelta(days=days)
#: negotiation -> (day the first talks happened, or None: not by the end; the answer of the question)
CORPUS = {"neg_a": (10, True), "neg_b": (60, False), "neg_c": (None, False)}


def scenario(name: str) -> dict:
    """Talks (classed talks_opened) then a round (classed talks_round) gated on them; a yes/no question on the
    talks by day 30 with a prior of 0.3, and a date question on the round."""
    d = doc(milestones=[joint("talks", **{"class": "talks_opened"}),
                        joint("round", requires={"held": "talks"}, **{"class": "talks_round"})],
            questions=[{"id": "talks_soon", "text": "Talks within 30 days?", "when": {"held": "talks"},
                        "by": D(30), "prior": fixed(0.3)},
                       {"id": "round_date", "text": "When is the first round?", "date_of": "round"}])
    d["metadata"] = {**d["metadata"], "title": f"Negotiation {name[-1].upper()}"}
    return d


def observed(name: str, day, answer: bool) -> dict:
    ev = [{"source": "news", "note": "Reported so."}]
    talks = {"date": D(day)} if day is not None else {"happened": False}
    return {"schema_version": 2, "kind": "observed", "scenario": f"{name}.yaml", "resolved_on": D(200),
            "sources": [{"id": "news", "title": "What happened", "publisher": "Wire", "date": START}],
            "questions": [{"question": "talks_soon", "answer": answer, "evidence": ev},
                          {"question": "round_date", "happened": False, "evidence": ev}],
            "milestones": [{"milestone": "talks", **talks, "evidence": ev}]}


@pytest.fixture
def corpus(tmp_path):
    for name, (day, answer) in CORPUS.items():
        (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(scenario(name), sort_keys=False))
        (tmp_path / f"{name}.observed.yaml").write_text(yaml.safe_dump(observed(name, day, answer), sort_keys=False))
    return tmp_path


@pytest.fixture
def seen(monkeypatch):
    """The negotiations counted in the class curves each view was given, per scenario file."""
    got: dict[str, list[set]] = {}

    def spy(real):
        def view(scenario, *, exclude=(), classes=None):
            got.setdefault(scenario.path.stem, []).append({n for c in classes.values() for n in c.negotiations})
            return real(scenario, exclude=exclude, classes=classes)
        return view

    monkeypatch.setattr(views, "outside_view", spy(views.outside_view))
    monkeypatch.setattr(views, "with_defaults", spy(views.with_defaults))
    return got


def test_leave_one_out_the_scored_negotiation_is_not_in_the_curves_used_for_it(corpus, seen):
    res = simulator.backtest(corpus, runs=50, seed=1, outside_view=True)
    ov = res["outside_view"]
    assert sorted(seen) == sorted(CORPUS) and all(len(v) == 2 for v in seen.values())  # both views, each scenario
    replayed = set(CORPUS)
    for name, counted in seen.items():
        for negotiations in counted:
            assert name not in negotiations, (name, sorted(negotiations))
            # the other corpus negotiations are counted: the curves do read the corpus, only not the scored one
            assert replayed - {name} <= negotiations, (name, sorted(negotiations))
    for s in ov["scenarios"]:
        assert s["excluded"][0] == s["negotiation"] and s["negotiation"] not in s["counted_negotiations"]


def test_four_columns_per_scenario_and_pooled_by_track(corpus):
    res = simulator.backtest(corpus, runs=60, seed=2, outside_view=True)
    ov = res["outside_view"]
    assert ov["columns"] == [c for c, _ in COLUMNS] == ["as_written", "outside_view", "with_defaults", "priors"]
    assert [s["group"] for s in ov["scenarios"]] == ["sighted"] * 3 and list(ov["tracks"]) == ["sighted"]
    items = [r for s in ov["scenarios"] for r in s["items"]]
    yes_no = [r for r in items if r["score"] == "brier"]
    assert len(yes_no) == 3 and all(r["prior"] == 0.3 for r in yes_no)
    # the priors' Brier is the prior against what happened
    truth = {f"Negotiation {n[-1].upper()}": a for n, (_, a) in CORPUS.items()}
    for s in ov["scenarios"]:
        (r,) = [r for r in s["items"] if r["score"] == "brier"]
        assert r["priors"] == pytest.approx((0.3 - truth[s["title"]]) ** 2)
        assert r["as_written"] == pytest.approx((r["forecast_as_written"] - truth[s["title"]]) ** 2)
    # pooled: the mean over every question of the track, the same questions in each column
    pooled = ov["tracks"]["sighted"]
    for col, _ in COLUMNS:
        assert pooled["brier_with_prior"][col] == pytest.approx(np.mean([r[col] for r in yes_no]))
    assert pooled["brier_with_prior"]["n"] == 3 and pooled["scenarios"] == 3
    dates = [r for r in items if r["score"] == "crps"]
    assert pooled["crps_weeks"]["n"] == len(dates) and pooled["crps_weeks"]["priors"] is None
    for col, _ in COLUMNS[:3]:
        assert pooled["crps_weeks"][col] == pytest.approx(np.mean([r[col] for r in dates]))
    d = pooled["brier_with_prior"]["priors_minus_as_written"]
    assert d["mean"] == pytest.approx(pooled["brier_with_prior"]["priors"] - pooled["brier_with_prior"]["as_written"])
    # as written is the plain backtest's score of the same questions
    plain = {q["id"] + e["title"]: q["brier"] for e in res["scenarios"] for q in e["yes_no"]}
    assert sorted(plain.values()) == sorted(r["as_written"] for r in yes_no)


def test_the_command_prints_the_four_scores_side_by_side_and_json(corpus):
    res = CliRunner().invoke(app, ["backtest", str(corpus), "--outside-view", "-n", "40"])
    assert res.exit_code == 0, res.output
    for words in ("as written", "outside view", "with defaults", "priors", "Pooled by track",
                  "Brier of yes/no questions, per scenario", "CRPS of dates", "Negotiation A"):
        assert words in res.output, words
    res = CliRunner().invoke(app, ["backtest", str(corpus), "--outside-view", "-n", "40", "--json"])
    got = json.loads(res.stdout)
    assert got["outside_view"]["runs"] == 40 and len(got["outside_view"]["scenarios"]) == 3


def test_a_timeline_of_the_same_negotiation_is_its_own_too():
    """A timeline naming two of the scenario's parties over an overlapping period is left out with it."""
    timeline = next(n for n in load_dataset() if n.id == "us_cuba_2014")
    d = scenario("neg_a")
    d["actors"][0]["name"], d["actors"][1]["name"] = timeline.parties[0], f"{timeline.parties[1]} (government)"
    d["calendar"] = {"start": timeline.period.start, "end": timeline.period.start + dt.timedelta(weeks=20)}
    from simulator.scenario.schema import Scenario

    sc = Scenario.model_validate(d)
    loaded = type("Loaded", (), {"scenario": sc, "path": "x/cuba_talks.yaml"})()
    assert own_negotiations(loaded, load_dataset()) == ["cuba_talks", "us_cuba_2014"]
    far = sc.model_copy(update={"calendar": sc.calendar.model_copy(update={"start": D(0), "end": D(100)})})
    assert own_negotiations(type("Loaded", (), {"scenario": far, "path": "x/cuba_talks.yaml"})(),
                            load_dataset()) == ["cuba_talks"]


def test_a_class_with_too_few_spells_for_a_curve_is_one_line(corpus):
    """Without the timelines, the constructed corpus has no spell of a round of talks (no outcome names the round):
    its class has no curve, and the backtest says so in one line naming the class and the milestone."""
    with pytest.raises(ValueError, match=r"^the reference class 'talks_round' of 'round' has too few counted spells "
                                         r"for a curve: state its pace$"):
        simulator.backtest(corpus, runs=20, outside_view=True, negotiations=[])


def test_a_scenario_without_classes_has_no_outside_view_and_stays_out_of_the_pool(corpus):
    d = scenario("neg_d")
    for m in d["milestones"]:
        del m["class"]
    (corpus / "neg_d.yaml").write_text(yaml.safe_dump(d, sort_keys=False))
    (corpus / "neg_d.observed.yaml").write_text(yaml.safe_dump(observed("neg_d", 5, True), sort_keys=False))
    ov = simulator.backtest(corpus, runs=40, seed=1, outside_view=True)["outside_view"]
    (plain,) = [s for s in ov["scenarios"] if s["negotiation"] == "neg_d"]
    assert not plain["classed_milestones"] and plain["counted_negotiations"] == []
    assert all(r["outside_view"] is None and r["with_defaults"] is None for r in plain["items"])
    assert plain["summary"]["brier_with_prior"]["priors"] == pytest.approx((0.3 - 1) ** 2)
    pooled = ov["tracks"]["sighted"]
    assert pooled["scenarios"] == 3 and pooled["without_classes"] == ["neg_d"]
    assert pooled["brier_with_prior"]["n"] == 3  # neg_d's question is not pooled


def test_variants_asked_for_beside_the_outside_view_are_printed_too(corpus):
    res = CliRunner().invoke(app, ["backtest", str(corpus), "--outside-view", "-n", "30", "--variant",
                                   "slow:*.rule=threshold"])
    assert res.exit_code == 0, res.output
    assert "Pooled by track" in res.output and "Variants minus baseline on the same runs" in res.output
