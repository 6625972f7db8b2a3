"""One council resolver for every command and page: what a user types -> the gazetteer's council, or a clear error.

Officers write councils many ways ("Nottingham City", "Hull", "Bristol City Council", "Durham County Council",
"Bucks", "BCP", "City of York", "London Borough of Camden"). Before this module the CLI, the profile page and query
understanding each resolved names their own way and disagreed; now they all call `resolve`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from ingest import gazetteer
from ingest.gazetteer import Council

# Suffixes and prefixes people add to a council's name that the gazetteer's key does not already drop.
_SUFFIX = re.compile(r"\s+(city|county|metropolitan borough|metropolitan district|metropolitan|district|borough|unitary|"
                     r"council|metropolitan borough council|metropolitan district council|district council|"
                     r"county borough|city and county|children s services|local authority|la)$")
_PREFIX = re.compile(r"^(the |(the\s+)?(council of the |city and county of |county borough of |metropolitan borough of |"
                     r"city of |royal borough of |london borough of |borough of |county of ))")


class UnknownCouncil(ValueError):
    """A name that is no English council with children's services; the message suggests close names."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean {_or_list(suggestions)}?" if suggestions else ""
        super().__init__(f"Unknown council {name!r}.{hint} Give the council's name as Ofsted writes it (for "
                         "example 'Central Bedfordshire' or 'Kingston upon Hull'); `inspections reports` lists the "
                         "councils whose reports are indexed.")


@lru_cache(maxsize=1)
def _short_forms() -> dict[str, str]:
    from retrieval.vocabulary import COUNCIL_SHORT_FORMS

    return {gazetteer.key(k): v for k, v in COUNCIL_SHORT_FORMS.items()}


def _candidates(name: str) -> Iterable[str]:
    """The typed name, then the same with one wrapper word stripped at a time ("Nottingham City Council" ->
    "Nottingham City" -> "Nottingham")."""
    k = gazetteer.key(name)
    seen = set()
    todo = [k]
    while todo:
        s = todo.pop(0).strip()
        if not s or s in seen:
            continue
        seen.add(s)
        yield s
        for rx in (_SUFFIX, _PREFIX):
            t = rx.sub("", s).strip()
            if t != s:
                todo.append(t)


def lookup(name: str) -> Council | None:
    """The council a typed name means, or None. Exact names and aliases first, then wrapper words dropped, then
    officers' short forms ("Bucks", "Cambs")."""
    if not name or not name.strip():
        return None
    c = gazetteer.lookup(name)
    if c:
        return c
    for cand in _candidates(name):
        c = gazetteer.lookup(cand)
        if c:
            return c
        proper = _short_forms().get(cand)
        if proper:
            return gazetteer.lookup(proper)
    return None


def resolve(name: str) -> Council:
    """The council a typed name means; UnknownCouncil (a ValueError) naming close matches when there is none."""
    c = lookup(name)
    if c:
        return c
    from retrieval.query import suggestions

    raise UnknownCouncil(name, suggestions(name))


def resolve_name(name: str) -> str:
    """The proper name (as stored on reports) of the council a typed name means."""
    return resolve(name).name


def _or_list(items: list[str]) -> str:
    quoted = [f"'{x}'" for x in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
