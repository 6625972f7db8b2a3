"""English councils with children's services: proper names, short forms, regions and statistical neighbours.

Council names come from a document's words, never its file name, so ingest and query understanding both need one
list of every council and the ways people write it ("BCP", "Hull", "London Borough of Camden", "Bristol City
Council"). The list is our own copy of the DfE/ONS table (ingest/data/local_authorities.csv).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "local_authorities.csv"

# Short forms officers and reports use that the table does not list. Keys are lower case.
EXTRA_ALIASES = {
    "Bournemouth, Christchurch and Poole": ["BCP", "Bournemouth, Christchurch & Poole", "Bournemouth Christchurch and Poole"],
    "Kingston upon Hull": ["Hull", "Hull City", "Kingston upon Hull City"],
    "Kingston upon Thames": ["Kingston"],
    "Bristol": ["City of Bristol"],
    "Durham": ["County Durham"],
    "Southend-on-Sea": ["Southend"],
    "Stockton-on-Tees": ["Stockton"],
    "Stoke-on-Trent": ["Stoke"],
    "Telford and Wrekin": ["Telford & Wrekin", "Telford"],
    "Windsor and Maidenhead": ["Royal Borough of Windsor and Maidenhead", "Windsor & Maidenhead", "RBWM"],
    "Bath and North East Somerset": ["BANES", "B&NES", "Bath & North East Somerset"],
    "Brighton and Hove": ["Brighton & Hove", "Brighton"],
    "Hammersmith and Fulham": ["Hammersmith & Fulham"],
    "Kensington and Chelsea": ["Kensington & Chelsea", "RBKC"],
    "Barking and Dagenham": ["Barking & Dagenham"],
    "Redcar and Cleveland": ["Redcar & Cleveland"],
    "Blackburn with Darwen": ["Blackburn"],
    "Cheshire West and Chester": ["Cheshire West & Chester", "Cheshire West"],
    "City of London": ["Corporation of London", "London Corporation"],
    "Newcastle upon Tyne": ["Newcastle"],
    "Richmond upon Thames": ["Richmond"],
    "St. Helens": ["St Helens", "Saint Helens"],
    "East Riding of Yorkshire": ["East Riding"],
    "Isles of Scilly": ["Scilly"],
    "Westmorland and Furness": ["Westmorland & Furness"],
    "Bedford": ["Bedford Borough"],
    "Central Bedfordshire": ["Central Beds"],
}


@dataclass(frozen=True)
class Council:
    name: str  # the proper name we show and store ("Bristol", "Kingston upon Hull", "Bedford")
    code: str  # DfE LA code ("801")
    region: str
    ons_code: str
    neighbours: tuple[str, ...] = field(default=())  # LA codes of the ten statistical neighbours
    aliases: tuple[str, ...] = field(default=())
    la_type: str = ""
    domain: str = ""  # the council's web/email domain ("barnet.gov.uk"): a last-resort clue in council reports


def _display_name(ons_name: str) -> str:
    m = re.match(r"^(.*), City of$", ons_name)
    name = m.group(1) if m else ons_name
    name = name.replace("Kingston Upon Hull", "Kingston upon Hull")
    if name == "Bedford Borough":
        name = "Bedford"
    return name


@lru_cache(maxsize=1)
def councils() -> tuple[Council, ...]:
    out = []
    with open(DATA, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            name = _display_name(row["local_authority_ons_name"].strip())
            aka = [a.strip() for a in row.get("also_known_as", "").strip("[] ").split(",") if a.strip()]
            aka = [a for a in aka if a not in ("Christchurch & Poole",)]
            if name.startswith("Bournemouth"):
                aka = []
            aliases = {row["local_authority_ons_name"].strip(), *aka, *EXTRA_ALIASES.get(name, [])} - {name}
            neigh = tuple(c.strip() for c in row.get("stat_neighbours", "").split(",") if c.strip())
            out.append(Council(name=name, code=row["la_code"].strip(), region=row.get("region_name", "").strip(),
                               ons_code=row.get("la_code_new", "").strip(), neighbours=neigh,
                               aliases=tuple(sorted(aliases)), la_type=row.get("ons_la_type", "").strip(),
                               domain=row.get("domain", "").strip().lower()))
    return tuple(out)


def key(name: str) -> str:
    """A comparison key that equates spellings of one council ("St. Helens" = "st helens", "&" = "and")."""
    s = (name or "").lower().replace("&", " and ").replace("’", "'")
    s = re.sub(r"[^a-z0-9]+", " ", s).strip()
    s = re.sub(r"^(the )?(royal borough of |london borough of |city of (?!london)|county of |metropolitan borough of |borough of )", "", s)
    s = re.sub(r" (metropolitan borough|borough|city|county|district)? ?council$", "", s)
    s = re.sub(r" city of$", "", s)
    return s.strip()


@lru_cache(maxsize=1)
def _by_key() -> dict[str, Council]:
    table: dict[str, Council] = {}
    for c in councils():
        table.setdefault(key(c.name), c)
    for c in councils():
        for a in c.aliases:
            table.setdefault(key(a), c)
    return table


def lookup(name: str) -> Council | None:
    """The council a name (proper, official or short form) refers to, or None."""
    return _by_key().get(key(name))


def by_code(code: str) -> Council | None:
    return next((c for c in councils() if c.code == code), None)


def by_domain(host: str) -> Council | None:
    """The council whose domain a web or email host belongs to ("mail.cambridgeshire.gov.uk" -> Cambridgeshire).

    A domain shared by a current council and its predecessor (Poole and BCP both list bcpcouncil.gov.uk) goes to
    the current one: the table lists predecessors without a region code.
    """
    host = (host or "").lower().strip(". ")
    hits = [c for c in councils() if c.domain and (host == c.domain or host.endswith("." + c.domain))]
    hits.sort(key=lambda c: (not c.ons_code, -len(c.domain)))
    return hits[0] if hits else None


def neighbours(name: str) -> list[Council]:
    """A council's statistical neighbours, nearest first (as DfE lists them)."""
    c = lookup(name)
    if not c:
        return []
    return [n for n in (by_code(code) for code in c.neighbours) if n]


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    """One regex over every name and alias, longest first, so "North Northamptonshire" wins over "Northamptonshire"."""
    names = set()
    for c in councils():
        names.add(c.name)
        names.update(a for a in c.aliases if len(a) > 3 or a.isupper())
    parts = sorted(names, key=len, reverse=True)
    alts = []
    for n in parts:
        words = [re.escape(w) for w in n.replace("&", " & ").split()]
        alt = r"[\s\-]+".join(words)
        # "&" may be written "and" or closed up ("B&NES", "Brighton&Hove")
        alts.append(alt.replace(r"[\s\-]+" + re.escape("&") + r"[\s\-]+", r"(?:\s*&\s*|[\s\-]+and[\s\-]+)"))
    return re.compile(r"(?<![A-Za-z])(?:" + "|".join(alts) + r")(?![A-Za-z])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _acronyms() -> frozenset[str]:
    return frozenset(key(a) for c in councils() for a in c.aliases if a.replace("&", "").isupper())


def find_all(text: str) -> list[tuple[Council, int, int]]:
    """Every council named in a text with its span, in order. Short upper-case aliases ("BCP") must be upper case."""
    out = []
    for m in _pattern().finditer(text):
        word = m.group(0)
        c = lookup(word)
        if c is None:
            continue
        if key(word) in _acronyms() and not word.isupper():
            continue  # "bcp" in running text is not a council; "BCP" is
        out.append((c, m.start(), m.end()))
    return out
