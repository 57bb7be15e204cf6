"""Observed-outcomes files: what actually happened, for backtests. Validated like scenarios.

```yaml
schema_version: 1
as_of: 2025-01-15                # when these outcomes were resolved
sources:
  - {id: report1, title: ..., publisher: ..., date: 2023-05-10}
outcomes:                         # resolved answers of the scenario's questions
  - {question: fm_before_round1, answer: true, source: report1}
  - {question: fm_meeting_date, date: 2023-05-10, source: report1}   # a date question
events:                           # dated meetings (first meeting of a level)
  - {meeting: fm_meeting, date: 2023-05-10, source: report1}
```
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from ..scenario.loader import load_document, problems_at
from ..lang.base import MilestoneRef
from ..scenario.schema import Id, Scenario, Source, Strict


class ObservedSource(Strict):
    id: Id
    title: str
    publisher: str
    date: dt.date
    url: str | None = None


class Outcome(Strict):
    question: Id
    answer: bool | None = None
    date: dt.date | None = Field(default=None, description="for a date question; omit if it did not happen")
    source: Id
    note: str | None = None

    @model_validator(mode="after")
    def _answer_or_date(self):
        if self.answer is not None and self.date is not None:
            raise ValueError("give 'answer' (yes/no question) or 'date' (date question), not both")
        return self


class ObservedEvent(Strict):
    milestone: MilestoneRef = Field(alias="meeting")

    model_config = Strict.model_config | {"populate_by_name": True}

    date: dt.date
    source: Id
    note: str | None = None


class Observed(Strict):
    schema_version: Literal[1]
    as_of: dt.date
    sources: list[ObservedSource] = Field(min_length=1)
    outcomes: list[Outcome] = []
    events: list[ObservedEvent] = []


def load_observed(path: str | Path, scenario: Scenario) -> Observed:
    """Load an observed-outcomes file and check it against the scenario it tests (one line per problem)."""
    path = Path(path)
    obs, locs, _ = load_document(path, Observed, "an observed-outcomes file")
    found: list[tuple[tuple, str]] = []
    src = {s.id for s in obs.sources}
    questions = {q.id: q for q in scenario.questions}
    levels = [m.id for m, _ in scenario.all_milestones]
    for k, o in enumerate(obs.outcomes):
        if o.source not in src:
            found.append((("outcomes", k, "source"), f"unknown source '{o.source}'"))
        q = questions.get(o.question)
        if q is None:
            found.append((("outcomes", k, "question"),
                          f"unknown question '{o.question}' (known: {', '.join(questions)})"))
        elif q.answer_kind == "date" and o.answer is not None:
            found.append((("outcomes", k, "answer"), f"'{q.id}' is a date question: give 'date' (or omit it)"))
        elif q.answer_kind != "date" and o.answer is None:
            found.append((("outcomes", k, "answer"), f"'{q.id}' is a yes/no question: give 'answer'"))
    for k, e in enumerate(obs.events):
        if e.source not in src:
            found.append((("events", k, "source"), f"unknown source '{e.source}'"))
        if e.milestone not in levels:
            found.append((("events", k, "meeting"),
                          f"unknown milestone '{e.milestone}' (known: {', '.join(levels)})"))
    seen = set()
    for k, o in enumerate(obs.outcomes):
        if o.question in seen:
            found.append((("outcomes", k, "question"), f"question '{o.question}' is resolved twice"))
        seen.add(o.question)
    if not obs.outcomes and not obs.events:
        found.append(((), "no outcomes and no events to score"))
    if found:
        raise problems_at(path, locs, found)
    return obs
