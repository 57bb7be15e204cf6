"""What-if rule switches: ``--set turkey.rule=time_dependent`` makes a modified, re-validated scenario.

The switch happens before compiling, so everything downstream (draw layout,
parameter table, manifest, scenario hash) sees an ordinary scenario. The
actor keeps the values it has for parameters the new rule shares (same
name), drops the ones the new rule does not take, and gets the rule's
declared default for the ones it lacks, recorded as an assumption naming the
switch. A rule parameter with no default is an error: the user must add a
value to the scenario, since we will not invent one silently.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..scenario.schema import Param, Scenario


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
    from . import registry
    from ..scenario.semantics import check

    rules = registry()
    actors = list(sc.actors)
    mediation = list(sc.mediation)
    for actor_id, rule_name in choices.items():
        flag = f"{where} {actor_id}.rule={rule_name}"
        i = next(k for k, a in enumerate(actors) if a.id == actor_id)
        actor = actors[i]
        if actor.role == "domestic":
            raise ValueError(f"{flag}: '{actor_id}' is a domestic actor and takes no decisions")
        known = sorted(n for n, r in rules.items() if r.role == actor.role)
        if rule_name not in rules or rules[rule_name].role != actor.role:
            raise ValueError(f"{flag}: unknown {actor.role} rule '{rule_name}' (known: {', '.join(known)})")
        rule = rules[rule_name]
        own = {n: s for n, s in rule.params.items() if not n.startswith("urgency.")}
        params = {}
        for pname, spec in own.items():
            if pname in actor.params:
                params[pname] = actor.params[pname]
            elif spec.default is not None:
                params[pname] = Param(value=spec.default,
                                      assumption=f"Default of rule '{rule_name}', filled in by {flag}.")
            else:
                raise ValueError(f"{flag}: rule '{rule_name}' needs parameter '{pname}', which '{actor_id}' lacks "
                                 "and the rule gives no default; add it to the actor's params in the scenario")
        if actor.role == "party":
            actors[i] = actor.model_copy(update={"rule": rule_name, "params": params})
        else:
            m = next((k for k, med in enumerate(mediation) if med.mediator == actor_id), None)
            if m is None:
                raise ValueError(f"{flag}: mediator '{actor_id}' has no 'mediation' entry to apply a rule to")
            mediation[m] = mediation[m].model_copy(update={"rule": rule_name})
            actors[i] = actor.model_copy(update={"params": params})
    # model_copy skips validation: re-validate the whole document so a broken switch cannot slip through
    new = Scenario.model_validate(sc.model_copy(update={"actors": actors, "mediation": mediation}).model_dump())
    problems = check(new, base_dir=None, check_sources=False)
    if problems:
        path, message = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValueError(f"{where}: after switching rules, {'.'.join(map(str, path))}: {message}{more}")
    return new
