"""Rates stated in published studies (``published.yaml``, shipped beside the timelines): for each, the class of
``classes.py`` it speaks to, the rate, the population it was counted on, its definition and how it differs from
our class, with a full bibliographic record. Read and checked like every other file: one line per problem,
``file:line:col: field: message`` (``ScenarioError``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from ..lang.base import Id, Strict
from ..scenario.loader import load_document, problems_at
from .classes import known_class

PUBLISHED = Path(__file__).resolve().parent / "published.yaml"

Words = Annotated[str, Field(min_length=12)]


class Publication(Strict):
    """A bibliographic record; ``note`` says in our own words where in the work the rate is stated."""

    authors: Annotated[str, Field(min_length=4)]
    year: Annotated[int, Field(ge=1900, le=2100)]
    title: Annotated[str, Field(min_length=4)]
    journal: str | None = None
    publisher: str | None = None
    volume: str | None = None
    pages: str | None = None
    doi: Annotated[str, Field(pattern=r"^10\.\S+/\S+$")] | None = None
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    note: Words


class PublishedRate(Strict):
    """One rate from a study: ``rate`` (a share, 0 to 1) of ``unit`` over ``population``, defined as ``definition``;
    ``differs`` says how its population or definition differs from the class it speaks to."""

    id: Id
    class_: Annotated[str, AfterValidator(known_class)] = Field(alias="class")
    rate: Annotated[float, Field(ge=0, le=1)]
    unit: Annotated[str, Field(min_length=4)]
    population: Words
    definition: Words
    differs: Words
    source: Publication

    def citation(self) -> str:
        """The source in one line for people: authors (year), title, where published."""
        s = self.source
        where = ", ".join(x for x in (s.journal or s.publisher, s.volume, s.pages) if x)
        doi = f", doi:{s.doi}" if s.doi else ""
        return f"{s.authors} ({s.year}), {s.title}, {where}{doi}"

    def words(self) -> str:
        """The rate in a few sentences for people: the rate, its definition, its population and how it differs."""
        return (f"{100 * self.rate:.0f}% ({self.unit}). What was counted: {self.definition} Counted on: "
                f"{self.population} How it differs from the class: {self.differs}")


class PublishedFile(Strict):
    published_version: Literal[1]
    rates: list[PublishedRate] = Field(min_length=1)


def load_published(path: str | Path | None = None) -> list[PublishedRate]:
    """The published rates of ``path`` (default: the shipped ``published.yaml``); raises ScenarioError."""
    path = Path(path) if path is not None else PUBLISHED
    doc, locs, _ = load_document(path, PublishedFile, "a file of published rates")
    seen: set[str] = set()
    found = []
    for i, r in enumerate(doc.rates):
        if r.id in seen:
            found.append((("rates", i, "id"), f"rate id '{r.id}' is used twice"))
        seen.add(r.id)
    if found:
        raise problems_at(path, locs, found)
    return list(doc.rates)
