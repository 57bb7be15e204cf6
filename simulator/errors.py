"""Errors shared by the model and the commands (kept apart so importing them does not import Mesa)."""


class RuleError(RuntimeError):
    """A decision rule raised or returned nonsense; the message names actor, rule, step and date."""
