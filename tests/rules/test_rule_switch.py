"""`--set actor.rule=NAME` on the seed scenario: any actor, any rule of its role, with clear errors."""

import json

import pytest
from typer.testing import CliRunner

from simulator.cli import app
from simulator.compiled import Compiled
from simulator.rules import BUILTIN, DeadlinePressure, Decision, ParamSpec, PartyRule, ReservationThreshold, registered
from simulator.scenario.switch import split_rule_sets, switch_rules
from simulator.runner import run_one
from simulator.scenario.loader import scenario_hash

from ..conftest import SEED_SCENARIO

PARTY_RULES = sorted(n for n, r in BUILTIN.items() if r.role == "party")
MEDIATOR_RULES = sorted(n for n, r in BUILTIN.items() if r.role == "mediator")


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("actor", ["syria", "turkey"])
@pytest.mark.parametrize("rule", PARTY_RULES)
def test_every_party_can_switch_to_every_party_rule(seed_loaded, actor, rule):
    if (actor, rule) == ("turkey", "hazard"):  # the seed's election effects change turkey.flexibility: refused
        with pytest.raises(ValueError, match="unknown parameter 'turkey.flexibility'"):
            switch_rules(seed_loaded.scenario, {actor: rule})
        return
    sc = switch_rules(seed_loaded.scenario, {actor: rule})
    switched = sc.actor(actor)
    assert switched.rule == rule and set(switched.params) == set(BUILTIN[rule].params)
    kept = set(seed_loaded.scenario.actor(actor).params) & set(switched.params)
    assert all(switched.params[n] == seed_loaded.scenario.actor(actor).params[n] for n in kept)
    for name in set(switched.params) - kept:  # filled in from the rule's defaults, saying so
        assert switched.params[name].value == BUILTIN[rule].params[name].default
        assert f"--set {actor}.rule={rule}" in switched.params[name].assumption
    compiled = Compiled(sc)
    assert type(compiled.rules[actor]).name == rule
    row, _ = run_one(compiled, 7, 0)
    assert row["replication"] == 0
    assert (scenario_hash(sc) == seed_loaded.digest) == (rule == "threshold")


@pytest.mark.parametrize("rule", MEDIATOR_RULES)
def test_mediators_switch_too(seed_loaded, rule):
    sc = switch_rules(seed_loaded.scenario, {"russia": rule, "iran": rule})
    assert {m.rule for m in sc.mediation} == {rule}
    assert all(set(m.params) == set(BUILTIN[rule].params) for m in sc.mediation)  # v2: params on the entry
    run_one(Compiled(sc), 1, 0)


def test_cli_switch_records_the_choice_and_numeric_sets_reach_new_parameters(tmp_path):
    out = tmp_path / "res"
    result = invoke("run", SEED_SCENARIO, "--runs", 30, "--seed", 2, "--out", out, "--json",
                    "--set", "turkey.beta=0.3", "--set", "turkey.rule=time_dependent")  # order does not matter
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    turkey = next(a for a in manifest["scenario"]["resolved"]["actors"] if a["id"] == "turkey")
    assert turkey["rule"] == "time_dependent" and manifest["overrides"] == {"turkey.beta": 0.3}
    assert json.loads(result.stdout)["scenario_hash"] == manifest["scenario"]["hash"]


@pytest.mark.parametrize(("sets", "message"), [
    (["turkey.rule=nope"], "--set turkey.rule=nope: unknown party rule 'nope' (known: "),
    (["turkey.rule=deadline_pressure"], "unknown party rule 'deadline_pressure'"),
    (["russia.rule=threshold"], "unknown mediator rule 'threshold'"),
    (["turkish_opposition.rule=threshold"], "is a domestic actor and takes no decisions"),
    (["turkey.rule=expected_utility", "turkey.resolve=0.5"], "unknown parameter 'turkey.resolve'"),
])
def test_bad_switches_are_one_line_errors(sets, message):
    args = [a for s in sets for a in ("--set", s)]
    result = invoke("run", SEED_SCENARIO, "--runs", 5, *args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output


class NeedsDepth(PartyRule):
    """Needs a parameter the seed actors lack and gives no default."""

    name = "needs_depth"
    params = {**ReservationThreshold.params, "depth": ParamSpec(0.0, 1.0, "no default")}


def test_a_parameter_without_default_must_come_from_the_scenario(seed_loaded):
    with registered(NeedsDepth), pytest.raises(ValueError) as info:
        switch_rules(seed_loaded.scenario, {"turkey": "needs_depth"})
    assert str(info.value) == ("--set turkey.rule=needs_depth: rule 'needs_depth' needs parameter 'depth', which "
                               "'turkey' lacks and the rule gives no default; add it to the actor's params in the "
                               "scenario")


def test_an_effect_on_a_dropped_parameter_is_reported(seed_loaded):
    class Bare(PartyRule):
        name = "bare"
        params = {"initiative": ParamSpec(0, 1, "only this", 0.1)}

    with registered(Bare), pytest.raises(ValueError) as info:
        switch_rules(seed_loaded.scenario, {"turkey": "bare"})  # the seed's after_win effect adds to turkey.flexibility
    assert "calendar.elections.0.after_win.0.param: unknown parameter 'turkey.flexibility'" in str(info.value)


def test_rule_assignments_are_told_apart_from_numeric_ones(seed_loaded):
    choices, rest = split_rule_sets(["turkey.rule=x", "turkey.flexibility=0.4", "nobody.rule=y"],
                                    seed_loaded.scenario)
    assert choices == {"turkey": "x"} and rest == ["turkey.flexibility=0.4", "nobody.rule=y"]


class Overeager(ReservationThreshold):
    """Returns a probability above 1 under pressure (forgot to clip)."""

    name = "overeager"

    def accept(self, v, stakes, u):
        prob = 0.5 + v.pressure
        return Decision(u < prob, prob)


class BadMediator(DeadlinePressure):
    """Presses a party that does not attend."""

    name = "bad_mediator"

    def pressure(self, v, target, urgency):
        return {"nobody": 1.0}


@pytest.mark.parametrize(("rule", "actor", "message"), [
    (Overeager, "syria", "failed in accept() at step "),
    (BadMediator, "russia", "failed in pressure() at step 0 (2023-02-01): put pressure on 'nobody'"),
])
def test_the_model_refuses_malformed_results_from_plugin_rules(seed_loaded, rule, actor, message):
    from simulator.model import RuleError

    with registered(rule):
        compiled = Compiled(switch_rules(seed_loaded.scenario, {actor: rule.name}))
    with pytest.raises(RuleError) as info:
        for rep in range(20):
            run_one(compiled, 1, rep)
    assert str(info.value).startswith(f"rule '{rule.name}' of actor '{actor}' {message}")
    if rule is Overeager:
        assert "not within [0, 1]" in str(info.value)
