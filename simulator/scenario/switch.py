"""What-if rule switches: ``--set turkey.rule=time_dependent`` makes a modified, re-validated scenario.

It edits scenarios, so it lives in the scenario layer (``simulator.scenario``), above the rules it looks up.

The switch happens before compiling, so everything downstream (draw layout,
parameter table, manifest, scenario hash) sees an ordinary scenario. The
actor (for a mediator: its ``mediation`` entry, where schema v2 keeps mediator
rule parameters) keeps the values it has for parameters the new rule shares (same
name), drops the ones the new rule does not take, and gets the rule's
declared default for the ones it lacks, recorded as an assumption naming the
switch. A rule parameter with no default is an error: the user must add a
value to the scenario, since we will not invent one silently.
"""

from __future__ import annotations

from collections.abc import Iterable

from .schema import Param, Scenario


def split_rule_sets(assignments: Iterable[str], sc: Scenario) -> tuple[dict[str, str], list[str]]:
    """Separate ``<actor>.rule=NAME`` from numeric ``name=value`` assignments."""
    actors = {a.id for a in sc.actors}
    choices, rest = {}, []
    for text in assignments:
        name, sep, value = text.partition("=")
        actor, _, field = name.strip().rpartition(".")
        if sep and field == "rule" and actor in actors:
            choices[actor] = value.strip()
        else:
            rest.append(text)
    return choices, rest


def switch_rules(sc: Scenario, choices: dict[str, str], where: str = "--set") -> Scenario:
    """Return ``sc`` with each actor's rule replaced; raise ValueError with a one-line message if impossible."""
    from ..rules import registry
    from .semantics import check

    rules = registry()
    actors = list(sc.actors)
    mediation = list(sc.mediation)
    for actor_id, rule_name in choices.items():
        flag = f"{where} {actor_id}.rule={rule_name}"
        i = next(k for k, a in enumerate(actors) if a.id == actor_id)
        actor = actors[i]
        if actor.role == "domestic":
            raise ValueError(f"{flag}: '{actor_id}' is a domestic actor and takes no decisions")
        role = "mediator" if actor.role == "mediator" else "party"  # any other actor decides with a party rule
        known = sorted(n for n, r in rules.items() if r.role == role)
        if rule_name not in rules or rules[rule_name].role != role:
            raise ValueError(f"{flag}: unknown {role} rule '{rule_name}' (known: {', '.join(known)})")
        rule = rules[rule_name]
        if role == "mediator":
            m = next((k for k, med in enumerate(mediation) if med.mediator == actor_id), None)
            if m is None:
                raise ValueError(f"{flag}: mediator '{actor_id}' has no 'mediation' entry to apply a rule to")
            # a mediator rule's parameters live on its mediation entry (schema v2), not on the actor
            params = _switched_params(mediation[m].params, rule, rule_name, actor_id, flag)
            mediation[m] = mediation[m].model_copy(update={"rule": rule_name, "params": params})
        else:
            params = _switched_params(actor.params, rule, rule_name, actor_id, flag)
            actors[i] = actor.model_copy(update={"rule": rule_name, "params": params})
    # model_copy skips validation: re-validate the whole document so a broken switch cannot slip through
    new = Scenario.model_validate(sc.model_copy(update={"actors": actors, "mediation": mediation}).model_dump())
    problems = check(new, base_dir=None, check_sources=False)
    if problems:
        path, message = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValueError(f"{where}: after switching rules, {'.'.join(map(str, path))}: {message}{more}")
    return new


def _switched_params(current: dict[str, Param], rule, rule_name: str, actor_id: str, flag: str) -> dict[str, Param]:
    """Keep the values the new rule shares, drop the others, fill the rest from the rule's defaults (saying so)."""
    params = {}
    for pname, spec in rule.params.items():
        if pname in current:
            params[pname] = current[pname]
        elif spec.default is not None:
            params[pname] = Param(value=spec.default, assumption=f"Default of rule '{rule_name}', filled in by {flag}.")
        else:
            raise ValueError(f"{flag}: rule '{rule_name}' needs parameter '{pname}', which '{actor_id}' lacks "
                             "and the rule gives no default; add it to the actor's params in the scenario")
    return params
