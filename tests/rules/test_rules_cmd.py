"""`diplosim rules`: every rule with its role, source, declared properties and docstring's first line."""

import json

from typer.testing import CliRunner

from simulator.cli import app
from simulator.rules import BUILTIN


def test_lists_every_built_in_rule_with_properties_and_summary():
    result = CliRunner().invoke(app, ["rules", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)["rules"]}
    assert set(BUILTIN) <= set(rows)
    assert {r["role"] for r in rows.values()} == {"party", "mediator"}
    for name, cls in BUILTIN.items():
        assert rows[name]["summary"] == cls.__doc__.strip().splitlines()[0]
        assert rows[name]["properties"] == cls.properties() and rows[name]["source"] == "built-in"
        assert set(rows[name]["params"]) == set(cls.params)
    assert rows["threshold"]["properties"]["monotone_in_pressure"] is True
    assert "monotone_in_pressure" not in rows["even_handed"]["properties"]


def test_plain_listing_shows_names_and_first_lines():
    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for name, cls in BUILTIN.items():
        assert name in text and " ".join(cls.summary().split()) in text
    assert "monotone in pressure" in text


def test_every_built_in_rule_documents_its_source_and_formulas():
    for cls in BUILTIN.values():
        doc = cls.__doc__
        assert any(year in doc for year in ("1982", "1998", "2003", "2011")), cls.name  # cites the literature
        assert "=" in doc and "deterministic" in doc.lower(), cls.name  # formulas, and the declared property
