"""The Mesa model keeps no state between a mediator's calls (issue 26): the kernel hands each call what it needs."""

from simulator.model import DiplomacyModel
from simulator.rules.base import MediatorView


def test_no_view_is_left_on_the_model_for_later_calls_to_read(seed_compiled):
    model = DiplomacyModel(seed_compiled, rng=3)
    assert seed_compiled.mediations  # the seed scenario's mediator pushes in these steps
    pushed = False
    for _ in range(30):
        model.step()
        pushed |= any(e[1] == "pushed" for e in model.events)
        assert not any(isinstance(v, MediatorView) for v in vars(model).values()), \
            "the model kept a mediator's view between calls"
    assert pushed  # the mediator did act, so the check above was not vacuous
