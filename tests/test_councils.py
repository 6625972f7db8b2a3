"""Every command and page resolves council names the same way (retrieval/councils.py)."""
from __future__ import annotations

import pytest

from ingest import gazetteer
from retrieval.councils import UnknownCouncil, lookup, resolve
from tests.conftest import run_cli


def _forms(c: gazetteer.Council) -> list[str]:
    """The ways officers write a council: proper name, "X Council", "X City/County Council", "City of X",
    "London Borough of X" for London boroughs, upper and lower case."""
    n = c.name
    forms = [n, n.upper(), n.lower(), f"{n} Council", f"the {n} council"]
    if c.la_type.lower().startswith(("metropolitan", "md")):
        forms += [f"{n} Metropolitan Borough Council", f"{n} Metropolitan Borough"]
    if c.region == "London" and n != "City of London":
        forms += [f"London Borough of {n}"]
    if c.la_type.lower().startswith(("shire", "county", "non-metropolitan")) or n in ("Durham", "Kent"):
        forms += [f"{n} County Council"]
    forms += [f"{n} City Council", f"{n} City"] if c.la_type.lower().startswith("unitary") else []
    return forms


@pytest.mark.parametrize("council", gazetteer.councils(), ids=lambda c: c.name)
def test_every_gazetteer_name_and_its_common_forms(council):
    for form in _forms(council) + list(council.aliases):
        got = lookup(form)
        assert got is not None and got.name == council.name, (form, got and got.name)


@pytest.mark.parametrize("typed, name", [
    ("Nottingham City", "Nottingham"), ("Nottingham City Council", "Nottingham"), ("Hull", "Kingston upon Hull"),
    ("Bristol City Council", "Bristol"), ("Durham County Council", "Durham"), ("County Durham", "Durham"),
    ("Bucks", "Buckinghamshire"), ("BCP", "Bournemouth, Christchurch and Poole"), ("City of York", "York"),
    ("Leicester City", "Leicester"), ("Tameside metropolitan borough", "Tameside"), ("Cambs", "Cambridgeshire"),
    ("Bradford Metropolitan District Council", "Bradford"), ("Royal Borough of Greenwich", "Greenwich"),
])
def test_officers_forms(typed, name):
    assert resolve(typed).name == name


def test_unknown_council_suggests():
    with pytest.raises(UnknownCouncil) as e:
        resolve("Cambridge")
    assert "Cambridgeshire" in str(e.value)
    with pytest.raises(ValueError):
        resolve("Atlantis")


@pytest.mark.parametrize("command", [["recommendations"], ["judgements"], ["ask", "care leavers"]])
def test_every_command_takes_the_same_names(index_dir, command):
    for typed in ("Cambs", "Cambridgeshire County Council", "cambridgeshire"):
        p = run_cli(*command, "--council", typed, "--json", "--index", str(index_dir))
        assert p.returncode == 0, (typed, p.stderr)
        assert "Cambridgeshire" in p.stdout
    p = run_cli(*command, "--council", "Nottingham City", "--index", str(index_dir))
    # a real council with nothing indexed is told apart from a name that is no council: listings refuse, ask answers
    # that there is nothing indexed for it
    out = p.stdout + p.stderr
    assert "Nottingham" in out and "Unknown council" not in out
    assert "No indexed report for Nottingham" in out if command[0] == "ask" else p.returncode == 1
    p = run_cli(*command, "--council", "Atlantis", "--index", str(index_dir))
    assert p.returncode != 0 and "Unknown council" in p.stderr
