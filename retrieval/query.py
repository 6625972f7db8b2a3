"""Query understanding: what an officer's question asks for, in the reports' own words.

An officer types "Kent vs Sandwell 2013 LAC inspections: how did they compare on PEP quality?". The search needs
the councils as filters (Kent, Sandwell), the years (2013), whether to put councils side by side (yes), and a search
text without the names and question scaffolding but with the abbreviations spelled out the way Ofsted writes them
("LAC looked after children ... PEP personal education plan quality"). Council names are recognised in every form
officers use (official, short, possessive, lower case, mistyped by one letter) without mistaking ordinary English
("needs", "heading", "reading age") for a place. Everything is rule-based and data-driven (retrieval/vocabulary.py):
nothing here knows any particular question or council.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from ingest import gazetteer
from retrieval import vocabulary as V


@dataclass
class Query:
    question: str                 # as typed
    text: str                     # what to search for (names, years and filler removed, abbreviations expanded)
    councils: list[str]           # gazetteer proper names recognised (or given), in order
    year_from: int | None = None
    year_to: int | None = None
    latest: bool = False          # "latest", "most recent", "last inspection", "current"
    kind: str | None = None       # "ofsted_inspection" | "ofsted_visit" | "council_report" when the question says so
    compare: bool = False         # two or more councils, or "compare", "vs", "versus", "difference between"
    topic_terms: list[str] = field(default_factory=list)    # content words (with abbreviation expansions)
    related_terms: list[str] = field(default_factory=list)  # words of topic synonyms: weaker evidence of relevance
    typed_terms: list[str] = field(default_factory=list)    # content words as typed (abbreviations unexpanded)
    core_text: str = ""           # `text` without the appended synonyms: the question's own words (+ expansions)
    years: list[int] = field(default_factory=list)          # every year the question names, ascending
    abbreviations: list[str] = field(default_factory=list)  # short forms recognised ("LAC", "PEP")
    expansions: list[str] = field(default_factory=list)     # phrases added to the search text, in order
    framework: str | None = None  # "ilacs_2018" | "sif_2013_2017" | "slac_2009_2012" when named
    speaker: str | None = None    # "ofsted" (what inspectors said) | "council" (what the council said or decided)
    intent: str | None = None     # "recommendations" | "judgements" when the question asks for those
    neighbours: bool = False      # councils include the statistical neighbours of the council named
    not_indexed: list[str] = field(default_factory=list)  # councils named that known_councils does not hold
    corrected: dict[str, str] = field(default_factory=dict)  # words read as a council despite a typo -> council
    stance: str | None = None     # "strength" ("praised for", "good at") | "concern" ("criticised for", "weaknesses")
    history: bool = False         # asks for the past ("over time", "previous", "since"): no current-position-first
    general: bool = False         # asks across councils ("which councils", "across England"): no inherited councils
    reasons: bool = False         # asks why ("why was ... judged inadequate", "the reasons for"): wants explanations
    region: str | None = None     # a region named ("in the North West"): its councils are the filter
    unknown_places: list[str] = field(default_factory=list)  # capitalised place-like words no council matches
    kept_councils: bool = False   # councils carried from the previous question of a conversation

    def year_ok(self, published: str | None, slack: int = 0) -> bool:
        """Whether a report published on `published` (YYYY-MM-DD) is inside the asked years.

        `slack` widens the upper end: a "2013 inspection" is often published early the next year.
        """
        if self.year_from is None and self.year_to is None:
            return True
        if not published or not published[:4].isdigit():
            return False
        y = int(published[:4])
        if self.year_from is not None and y < self.year_from:
            return False
        return self.year_to is None or y <= self.year_to + slack


# ---------------------------------------------------------------------------------------------------------------
# Edit distance

def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by exactly one insertion, deletion, substitution or swap of neighbours.

    This is Damerau-Levenshtein distance 1 (optimal string alignment), written out because only "== 1" is needed
    and the direct check is many times faster than filling a table for every name.
    """
    if a == b:
        return False
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                and a[diff[1]] == b[diff[0]])
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


# ---------------------------------------------------------------------------------------------------------------
# Council names

_GENERIC_NAME_WORDS = frozenset("north south east west central city of upon on and the with borough county "
                                "council royal london metropolitan district".split())
_DETERMINERS = frozenset("the a an this that these those their its our his her through about between across back "
                         "and of".split())
_BEFORE_NAME = re.compile(r"(?:\b(?:the\s+)?(?:london\s+borough\s+of|royal\s+borough\s+of|metropolitan\s+borough\s+of|"
                          r"borough\s+of|county\s+of|city\s+of|council\s+of\s+the))\s+$", re.IGNORECASE)
_AFTER_NAME = re.compile(r"^(?:['’]s?)?(?:\s+(?:metropolitan\s+borough\s+|borough\s+|city\s+|county\s+|district\s+)?"
                         r"council(?:['’]s)?\b|\s+county\s+council(?:['’]s)?\b)?", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


@dataclass(frozen=True)
class _Mention:
    council: str
    start: int
    end: int
    how: str  # "exact" | "short" | "fuzzy"
    typed: str


@lru_cache(maxsize=1)
def _name_keys() -> dict[str, frozenset[str]]:
    """Every comparison key of every council name, alias and short form -> the council names it can mean."""
    table: dict[str, set[str]] = {}
    for k, names in _full_name_keys().items():
        table.setdefault(k, set()).update(names)
    for short, name in V.COUNCIL_SHORT_FORMS.items():
        table.setdefault(gazetteer.key(short), set()).add(name)
    return {k: frozenset(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def _full_name_keys() -> dict[str, frozenset[str]]:
    """Keys of gazetteer names and aliases only: short forms ("Staffs") are abbreviations, never typo targets."""
    table: dict[str, set[str]] = {}
    for c in gazetteer.councils():
        for n in (c.name, *c.aliases):
            k = gazetteer.key(n)
            if k and not (n.replace("&", "").isupper() and len(n) <= 6):
                table.setdefault(k, set()).add(c.name)
    return {k: frozenset(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def _fuzzy_keys() -> dict[int, list[tuple[str, frozenset[str]]]]:
    """Keys long enough to be matched with a typo (five letters or more), bucketed by length."""
    out: dict[int, list[tuple[str, frozenset[str]]]] = {}
    for k, names in _full_name_keys().items():
        if len(k.replace(" ", "")) >= 5:
            out.setdefault(len(k), []).append((k, names))
    return out


@lru_cache(maxsize=1)
def _name_words() -> frozenset[str]:
    return frozenset(w for k in _name_keys() for w in k.split())


@lru_cache(maxsize=1)
def _short_form_pattern() -> re.Pattern[str]:
    forms = sorted(V.COUNCIL_SHORT_FORMS, key=len, reverse=True)
    alts = [r"\s+".join(re.escape(w) for w in f.split()) for f in forms]
    return re.compile(r"(?<![A-Za-z&])(" + "|".join(alts) + r")(?:['’]s?)?(?![A-Za-z&])")


def _exact_mentions(text: str) -> list[_Mention]:
    out = []
    for council, start, end in gazetteer.find_all(text):
        typed = text[start:end]
        if typed.lower() in V.COMMON_WORD_NAMES:
            if not typed[0].isupper():
                continue  # "reading age", "bury"
            if not text[:start].strip():
                nxt = _WORD.match(text[end:].lstrip())
                if nxt and nxt.group(0).lower() in _DETERMINERS:
                    continue  # "Reading the report, ..."
        out.append(_Mention(council.name, start, end, "exact", typed))
    for m in _short_form_pattern().finditer(text):
        name = V.COUNCIL_SHORT_FORMS[re.sub(r"\s+", " ", m.group(1))]
        out.append(_Mention(name, m.start(1), m.end(1), "short", m.group(1)))
    return out


def _fuzzy_mentions(text: str, known: frozenset[str] | None) -> list[_Mention]:
    """Council names typed with one slip ("Hertfordshre", "Cambridgshire", "North Tynside").

    A window of one to five words matches a name when the two are one edit apart. The word that differs must not be
    an ordinary English word near a council name ("needs" ~ Leeds) unless the rest of the window is a distinctive
    part of that name ("Isles of Silly"), and it must not be question filler or an abbreviation in capitals.
    """
    toks = []
    for m in _WORD.finditer(text):
        w, s, e = m.group(0), m.start(), m.end()
        if re.search(r"['’]s$", w):
            w, e = w[:-2], e - 2
        toks.append((w, s, e))
    fuzzy = _fuzzy_keys()
    words = _name_words()
    out: list[_Mention] = []
    for n in range(5, 0, -1):
        for i in range(len(toks) - n + 1):
            window = toks[i:i + n]
            if any(not re.fullmatch(r"[\s\-,]+", text[a[2]:b[1]]) for a, b in pairwise(window)):
                continue
            if any(w.isupper() and len(w) > 1 for w, _, _ in window):
                continue  # abbreviations (CAMHS, LADO) are not mistyped names
            lw = [w.lower() for w, _, _ in window]
            s = " ".join(lw)
            if len(s.replace(" ", "")) < 5 or s in _name_keys():
                continue
            hits: set[str] = set()
            for length in (len(s) - 1, len(s), len(s) + 1):
                for k, names in fuzzy.get(length, ()):
                    if within_one_edit(s, k) and _plausible_typo(lw, k.split(), words):
                        hits |= names
            if known is not None and len(hits) > 1:
                hits = {h for h in hits if h in known} or hits
            if len(hits) == 1:
                out.append(_Mention(next(iter(hits)), window[0][1], window[-1][2], "fuzzy",
                                    text[window[0][1]:window[-1][2]]))
    return out


def _plausible_typo(typed: list[str], name: list[str], name_words: frozenset[str]) -> bool:
    if len(typed) != len(name):  # a space slipped in or out ("Northtyneside"): the glued word must be no word
        return all(w in name_words or (w not in V.NEAR_MISS_WORDS and w not in V.QUESTION_FILLER) for w in typed)
    diffs = [(t, k) for t, k in zip(typed, name) if t != k]
    if len(diffs) != 1:
        return False
    word = diffs[0][0]
    if word in V.QUESTION_FILLER or word in _abbreviation_lower():
        return False
    if len(typed) == 1:
        return len(word) >= 5 and word not in V.NEAR_MISS_WORDS
    if any(t == k and k not in _GENERIC_NAME_WORDS and len(k) >= 4 for t, k in zip(typed, name)):
        return True  # a distinctive part of the name is there as typed: "Isles of Silly", "Kingston upon Hul"
    return len(word) >= 4 and word not in V.NEAR_MISS_WORDS


def _widen(text: str, m: _Mention) -> _Mention:
    """Take in the official wrapping ("London Borough of Camden", "Herefordshire Council", "Devon's")."""
    start, end = m.start, m.end
    before = _BEFORE_NAME.search(text[:start])
    if before:
        start = before.start()
    after = _AFTER_NAME.match(text[end:])
    if after:
        end += after.end()
    return _Mention(m.council, start, end, m.how, m.typed)


def find_councils(text: str, known: list[str] | frozenset[str] | None = None) -> list[_Mention]:
    """Council mentions in a text, in order, without overlaps (longest wins; an exact name beats a typo)."""
    known_set = frozenset(known) if known is not None else None
    exact = _exact_mentions(text)
    fuzzy = _fuzzy_mentions(text, known_set)
    chosen: list[_Mention] = []
    for m in sorted(exact, key=lambda m: (-(m.end - m.start), m.start)):
        if not any(m.start < c.end and c.start < m.end for c in chosen):
            chosen.append(m)
    for m in sorted(fuzzy, key=lambda m: (-(m.end - m.start), m.start)):
        overlap = [c for c in chosen if m.start < c.end and c.start < m.end]
        if not overlap:
            chosen.append(m)
        elif all(c.how != "fuzzy" and m.start <= c.start and c.end <= m.end and (c.end - c.start) < (m.end - m.start)
                 for c in overlap):
            # "Kingston upon Hul": the exact "Kingston" inside a longer, mistyped name gives way to it
            chosen = [c for c in chosen if c not in overlap] + [m]
    return [_widen(text, m) for m in sorted(chosen, key=lambda m: m.start)]


def suggestions(name: str, limit: int = 6) -> list[str]:
    """Council names close to one that was not recognised, closest first: one edit away, then names starting with
    it, then names containing it as a word, then (for long names) two edits away."""
    k = gazetteer.key(name)
    if not k:
        return []
    ranked: list[tuple[int, str]] = []
    for key_, names in _name_keys().items():
        if within_one_edit(k, key_):
            rank = 0
        elif len(k) >= 3 and key_.startswith(k):
            rank = 1
        elif len(k) >= 3 and k in key_.split():
            rank = 2
        elif len(k) >= 8 and _distance(k, key_) <= 2:
            rank = 3
        else:
            continue
        ranked.extend((rank, n) for n in names)
    out: list[str] = []
    for _, n in sorted(ranked):
        if n not in out:
            out.append(n)
    return out[:limit]


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (small strings only: used for suggestions)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def resolve_council(name: str) -> str:
    """The gazetteer name for a council given on the command line or picked in the app; ValueError if unknown."""
    from retrieval.councils import resolve_name

    return resolve_name(name)


# ---------------------------------------------------------------------------------------------------------------
# Years and flags

_Y = r"(19[89]\d|20[0-4]\d)"
_INSPECTION_WORD = r"(?:\s+(?:ofsted\s+|ilacs\s+|sif\s+|single\s+|full\s+|lac\s+|safeguarding\s+)*" \
                   r"(?:inspections?|re-?inspections?|reports?|visits?|judge?ments?))"
_RANGE = re.compile(rf"\b(?:between|from)\s+{_Y}\s+(?:and|to|until|till|-)\s+{_Y}\b|\b{_Y}\s*(?:-|to|until)\s*"
                    rf"({_Y}|\d\d)\b(?!\s*-?\s*year)", re.IGNORECASE)
_FINANCIAL = re.compile(rf"\b{_Y}\s*/\s*(\d\d)\b")
_FROM = re.compile(rf"\b(since|from|after|following|post-?)\s+(?:(?:the|its|their|our|her|his|last)\s+)?{_Y}\b"
                   rf"({_INSPECTION_WORD})?", re.IGNORECASE)
_ONWARDS = re.compile(rf"\b{_Y}\s+(?:onwards?|and later|or later|and after)\b", re.IGNORECASE)
_TO = re.compile(rf"\b(before|prior\s+to|until|till|up\s+to|by|pre-?)\s+(?:(?:the|its|their|our)\s+)?{_Y}\b",
                 re.IGNORECASE)
_YEAR = re.compile(rf"(?<![\d.,/£$-]){_Y}(?![\d%]|\.\d)")
_LAW_BEFORE = re.compile(r"(?:\bact|\bregulations|\bguidance|\bworking\s+together(?:\s+to\s+safeguard\s+children)?|"
                         r"\bcode\s+of\s+practice|\bframework)\s*\(?\s*$", re.IGNORECASE)
_OPEN_FROM = re.compile(r"\b(since|after|from|following)\b", re.IGNORECASE)
_SINCE_OPEN = re.compile(rf"\bsince\b(?!\s+(?:(?:the|its|their)\s+)?{_Y})", re.IGNORECASE)
_LATEST = re.compile(r"\b(latest|most\s+recent|newest|current(ly)?|up[- ]to[- ]date|recent\s+(ofsted\s+)?"
                     r"(inspections?|reports?)|last\s+(ofsted\s+|full\s+|ilacs\s+)?(inspection|report|judgement|"
                     r"judgment|visit))\b", re.IGNORECASE)
_COMPARE = re.compile(r"\bcompar(e|es|ed|ing|ison|isons)\b|\bversus\b|(?<![A-Za-z])vs\.?(?![A-Za-z])|"
                      r"(?<=\s)v\.?(?=\s)|\bdifferences?\b|\bdiffer\b|\bside[- ]by[- ]side\b|\bbenchmark",
                      re.IGNORECASE)
_NEIGHBOURS = re.compile(r"\b(statistical\s+)?neighbou?rs?\b|\bcomparator\s+(authorities|councils|las)\b",
                         re.IGNORECASE)
_SECTION = re.compile(r"(?<![A-Za-z])[sS]\.?\s?(47|20|17|31)\b")
_BACKREF = re.compile(r"\b(that|the same|this)\s+(inspection|report|visit|year|time)\b|\bthen\b|\bat the time\b",
                      re.IGNORECASE)
# What a question asks for: praise or criticism (retrieval/stance.py labels every paragraph).
_WANTS_STRENGTH = re.compile(r"\bprais\w*|\bcommend\w*|\bgood at\b|\bdo(?:es|ing)? well\b|\bdone well\b|"
                             r"\bstrengths?\b(?! and weakness)|\bwhat works\b|\bworks? well\b|\bgood practice\b|"
                             r"\bbest practice\b|\bexcel\w*|\bpositives?\b|\bsuccess\w*|\bstrong (?:practice|at)\b|"
                             r"\bwent well\b|\bgoing well\b|\bbright spots?\b", re.IGNORECASE)
_WANTS_CONCERN = re.compile(r"\bcriticis\w*|\bcriticiz\w*|\bweakness\w*|"
                            r"\bwhat needs to improve\b|\bneeds? to improve\b|\bshortfalls?\b|\bfailings?\b|"
                            r"\bfailures?\b|\bproblems?\b|\bpoor(?:ly)? (?:at|in|on|for)\b|\bweak\b|\bwent wrong\b|\bgoing wrong\b|"
                            r"\bnot working\b|\bnegatives?\b|\bdeficien\w*|\bareas? for improvement\b|"
                            r"\b(?:what|main|key|any|biggest|inspectors'?|ofsted'?s?|raised|were there) concerns?\b",
                            re.IGNORECASE)
# The asker's words for praise or criticism, which reports do not use of themselves.
_ASKERS_WORDS = re.compile(r"\bprais\w*|\bcommended\b|\bcriticis\w*|\bcriticiz\w*|\bgood at\b|\bdo(?:es|ing)? well\b|"
                           r"\bdone well\b|\bwhat works\b|\bwent (?:well|wrong)\b|\bgoing (?:well|wrong)\b|"
                           r"\bbright spots?\b|\bpositives\b|\bnegatives\b", re.IGNORECASE)
_HISTORY = re.compile(r"\bhistor(?:y|ic|ical)\b|\bover (?:the )?(?:time|years)\b|\bprevious\w*|\bpast\b|\bsince\b|"
                      r"\bearlier\b|\bformer(?:ly)?\b|\bused to\b|\btrends?\b|\bchanged?\b|\bprogress(?:ed)? from\b|"
                      r"\ball (?:the |their |its )?(?:inspections|reports)\b|\bevery inspection\b|\bold(?:er)? reports?\b",
                      re.IGNORECASE)
# A question about councils in general clears a conversation's councils; one that refers back keeps them.
_GENERAL_COUNCILS = re.compile(r"\bwhich (?:\w+ )?(?:councils?|local authorit\w+|las|authorities|areas)\b|"
                               r"\bacross (?:england|the country|all|councils|local authorities|the region)\b|"
                               r"\bother (?:councils|local authorities|las|authorities|areas)\b|"
                               r"\b(?:any|all|many|most|some) (?:other )?(?:councils|local authorities|las)\b|"
                               r"\bnationally\b|\bin england\b|\bcouncils (?:that|which|where|who|with|judged|rated)\b|"
                               r"\bwhere (?:else|in england)\b|\b(?:outstanding|good|inadequate) councils\b",
                               re.IGNORECASE)
_REFERS_BACK = re.compile(r"^\s*(?:and|also|plus|but|so|then|what about|how about|same)\b|\bthere\b|\bthey\b|\bthem\b|"
                          r"\btheir\b|\bthose (?:councils|authorities|two|three)\b|\bthese (?:councils|authorities)\b|"
                          r"\b(?:that|this|the same) (?:council|authority|area|la)\b|\bboth\b|\bits\b|\bit\b",
                          re.IGNORECASE)
# A follow-up whose only topic is a pointer back ("about that", "what did they recommend") keeps the topic too.
_TOPIC_BACK = re.compile(r"\b(?:about|on|for|with|regarding|of) (?:that|this|it|those|these|them)\b|\bthat topic\b|"
                         r"\bthe same (?:topic|area|thing|issue)\b|\bwhat did (?:they|it|inspectors|ofsted) "
                         r"(?:recommend|say|find|judge)\b", re.IGNORECASE)
_POINTER_TERMS = frozenset("recommend recommends recommended recommendation recommendations say said find found "
                           "judge judged judgement judgements judgment grade graded rating ratings rated inspectors "
                           "ofsted inspection report councils council they them that this it strengths strength weaknesses "
                           "weakness concerns concern praised criticised good well".split())
# Place-like words after a preposition ("care leavers in Atlantis"): a notice when no council or region matches.
_PLACE = re.compile(r"\b(?:in|at|for|from|of|about|near)\s+((?:the\s+)?[A-Z][a-z]+(?:[ -](?:upon |on |and )?[A-Z][a-z]+)*)")
_NOT_PLACES = frozenset("england britain uk united kingdom english ofsted ilacs sif slac covid monday tuesday wednesday "
                        "thursday friday saturday sunday january february march april may june july august september "
                        "october november december spring summer autumn winter children care the a an this that "
                        "these those their our my i".split())
_REGIONS = {"north east": "North East", "north west": "North West", "yorkshire and the humber": "Yorkshire and the Humber",
            "yorkshire": "Yorkshire and the Humber", "east midlands": "East Midlands",
            "west midlands": "West Midlands", "east of england": "East of England", "london": "London",
            "south east": "South East", "south west": "South West"}
_REGION = re.compile(r"\b(?:in|across|from|of)\s+(?:the\s+)?(" + "|".join(sorted(_REGIONS, key=len, reverse=True))
                     + r")\b(?!\s+borough)", re.IGNORECASE)


def _stance_wanted(q: str) -> str | None:
    strength, concern = _WANTS_STRENGTH.search(q), _WANTS_CONCERN.search(q)
    if strength and concern:
        return None  # "strengths and weaknesses": both
    return "strength" if strength else "concern" if concern else None


def _unknown_places(q: str, mentions: list, region_span: tuple[int, int] | None) -> list[str]:
    out = []
    for m in _PLACE.finditer(q):
        name = re.sub(r"^the\s+", "", m.group(1))
        s, e = m.span(1)
        if any(c.start < e and s < c.end for c in mentions):
            continue
        if region_span and s < region_span[1] and region_span[0] < e:
            continue
        if name.split()[0].lower() in _NOT_PLACES or name.lower() in _NOT_PLACES:
            continue
        out.append(name)
    return out


_ADD_COUNCILS = re.compile(r"^\s*(and|also|plus|as well as)\b|\b(compare|compared|comparing)\s+(it|them|this|that|"
                           r"these)\s+(with|to|against)\b|^\s*(vs|versus)\b|\bhow does (it|that|this) compare\b",
                           re.IGNORECASE)


def _years(q: str) -> tuple[list[int], int | None, int | None, list[tuple[int, int]]]:
    """Years named, the range they ask for, and the spans of the year phrases (to drop from the search text)."""
    spans: list[tuple[int, int]] = []
    years: set[int] = set()
    y_from: int | None = None
    y_to: int | None = None
    explicit_from = explicit_to = False
    for m in _RANGE.finditer(q):
        a = m.group(1) or m.group(3)
        b = m.group(2) or m.group(4)
        ya = int(a)
        yb = int(b) if len(b) == 4 else int(a[:2] + b)
        if yb < ya:
            continue
        years.update({ya, yb})
        y_from, y_to, explicit_from, explicit_to = ya, yb, True, True
        spans.append(m.span())
    financial: list[int] = []
    for m in _FINANCIAL.finditer(q):  # "2013/14": a financial year spans two calendar years
        ya = int(m.group(1))
        yb = int(m.group(1)[:2] + m.group(2))
        if yb == ya + 1:
            years.update({ya, yb})
            financial += [ya, yb]
            spans.append(m.span())
    for m in _FROM.finditer(q):
        y = int(m.group(2))
        years.add(y)
        if not explicit_from:  # inclusive: "after the 2014 inspection" includes what 2014 published after it
            y_from, explicit_from = y, True
        spans.append(m.span())
    for m in _ONWARDS.finditer(q):
        y = int(m.group(1))
        years.add(y)
        if not explicit_from:
            y_from, explicit_from = y, True
        spans.append(m.span())
    for m in _TO.finditer(q):
        y = int(m.group(2))
        years.add(y)
        word = re.sub(r"\s+", " ", m.group(1).lower())
        if not explicit_to:
            y_to, explicit_to = (y - 1 if word in ("before", "prior to", "pre", "pre-") else y), True
        spans.append(m.span())
    bare = []
    for m in _YEAR.finditer(q):
        if any(s <= m.start() < e for s, e in spans):
            continue
        if _LAW_BEFORE.search(q[:m.start()]):
            spans.append(m.span())  # "the Children Act 1989", "Working Together 2018": a title, not a time
            continue
        y = int(m.group(1))
        if re.match(r"\s*-?\s*(year|yr)s?\b", q[m.end():], re.IGNORECASE):
            continue
        bare.append(y)
        years.add(y)
        spans.append(m.span())
    bare += financial
    if bare:
        if not explicit_from:
            y_from = min(bare) if y_from is None else min(y_from, min(bare))
        if not explicit_to:
            y_to = max(bare)
            if explicit_from and y_from is not None and y_to < y_from:
                y_to = None
    if years and not explicit_to and _SINCE_OPEN.search(q):
        y_to = None  # "PEPs in 2018 - have they improved since?"
    if explicit_from and not explicit_to and not bare:
        y_to = None
    return sorted(years), y_from, y_to, spans


def _first_cue(q: str, cues: tuple[str, ...]) -> bool:
    return any(re.search(c, q, re.IGNORECASE) for c in cues)


def _kind(q: str) -> str | None:
    if _first_cue(q, V.OFSTED_VISIT_CUES):
        return "ofsted_visit"
    if _first_cue(q, V.COUNCIL_REPORT_CUES):
        return "council_report"
    if _first_cue(q, V.OFSTED_INSPECTION_CUES):
        return "ofsted_inspection"
    return None


def _speaker(q: str) -> str | None:
    council = _first_cue(q, V.COUNCIL_SPEAKER_CUES)
    ofsted = _first_cue(q, V.OFSTED_SPEAKER_CUES)
    if council and not ofsted:
        return "council"
    if ofsted and not council:
        return "ofsted"
    return None


_REASONS = re.compile(r"^\W*why\b|\bwhy\s+(?:was|were|is|are|did|has|have)\b|\breasons?\s+(?:for|why|behind)\b",
                      re.IGNORECASE)


def _intent(q: str) -> str | None:
    if _first_cue(q, V.RECOMMENDATION_CUES):
        return "recommendations"
    if _first_cue(q, V.JUDGEMENT_CUES):
        return "judgements"
    return None


def _framework(q: str) -> str | None:
    for pattern, name in V.FRAMEWORK_CUES:
        if re.search(pattern, q, re.IGNORECASE):
            return name
    return None


# ---------------------------------------------------------------------------------------------------------------
# Search text and terms

@lru_cache(maxsize=1)
def _abbreviation_table() -> tuple[dict[str, V.Term], dict[str, V.Term]]:
    exact: dict[str, V.Term] = {}
    lower: dict[str, V.Term] = {}
    for t in V.ABBREVIATIONS:
        for form in (t.short, *t.also):
            exact.setdefault(form, t)
            if t.lower_ok:
                lower.setdefault(form.lower(), t)
    return exact, lower


def abbreviation_term(short: str) -> V.Term | None:
    """The vocabulary entry for a short form recognised in a question ("PEP" -> personal education plan)."""
    return _abbreviation_table()[0].get(short)


def _abbreviation_lower() -> frozenset[str]:
    return frozenset(k.lower() for k in _abbreviation_table()[0])


def _abbreviation(token: str, shouting: bool) -> V.Term | None:
    exact, lower = _abbreviation_table()
    base = re.sub(r"['’]s$", "", token)
    candidates = [base] + ([base[:-1]] if len(base) > 2 and base.endswith("s") else [])
    for c in candidates:
        if not shouting and c in exact:
            return exact[c]
        if (shouting or c.islower()) and c.lower() in lower:
            return lower[c.lower()]
    return None


_TOKEN = re.compile(r"[^\W_]+(?:[&'’\-][^\W_]+)*-?")
_CONTENT_WORD = re.compile(r"[a-z0-9]+")


def _words(phrase: str) -> list[str]:
    return [w for w in _CONTENT_WORD.findall(phrase.lower().replace("’", "'").replace("'s", ""))
            if w not in V.QUESTION_FILLER]


def _add(out: list[str], items: list[str]) -> None:
    for x in items:
        if x and x not in out:
            out.append(x)


def _search_text(q: str, drop: list[tuple[int, int]], shouting: bool, keep: frozenset[str] = frozenset()
                 ) -> tuple[str, str, list[str], list[str], list[str], list[str], list[str]]:
    """(search text, core text, topic terms, related terms, abbreviations, expansions, typed terms) from the
    question minus `drop`. Filler words in `keep` stay in the search text (not in the terms)."""
    masked = list(q)
    for s, e in drop:
        masked[s:e] = " " * (e - s)
    masked_text = "".join(masked)
    parts: list[str] = []
    topic: list[str] = []
    typed: list[str] = []
    abbrevs: list[str] = []
    expansions: list[str] = []

    def section(m: re.Match[str]) -> str:
        return " " * len(m.group(0))

    sections = [m.group(1) for m in _SECTION.finditer(masked_text)]
    masked_text = _SECTION.sub(section, masked_text)
    for num in sections:
        phrases = V.SECTIONS.get(num, ())
        parts.extend(phrases)
        _add(expansions, list(phrases))
        for p in phrases:
            _add(topic, _words(p))
        _add(typed, _words(phrases[0]) if phrases else [])
    for m in _TOKEN.finditer(masked_text):
        tok = m.group(0).rstrip("-")
        term = _abbreviation(tok, shouting)
        if term:
            parts.append(re.sub(r"['’]s$", "", tok))
            parts.append(term.expansions[0])
            extra = [x for x in term.expansions[1:] if x.lower() not in masked_text.lower()]
            _add(abbrevs, [term.short])
            _add(expansions, [term.expansions[0]] + extra)
            _add(topic, [term.short.lower()] + _words(term.expansions[0]))
            _add(typed, [term.short.lower()])
            continue
        low = tok.lower().replace("’", "'")
        bare = re.sub(r"'s$", "", low)
        if bare in V.QUESTION_FILLER or low in V.QUESTION_FILLER:
            if bare in keep:
                parts.append(tok)
            continue
        if bare in ("not", "no", "without", "never"):
            parts.append(tok)
            continue
        parts.append(tok)
        _add(topic, _words(bare))
        _add(typed, _words(bare))
    core = re.sub(r"\s+", " ", " ".join(parts)).strip(" -,;:")
    low_q = q.lower()
    related: list[str] = []
    added: list[str] = []
    for term in abbrevs:
        t = _abbreviation_table()[0][term]
        added.extend(x for x in t.expansions[1:] if x.lower() not in low_q)
    for pattern, phrases in V.SYNONYMS:
        if re.search(pattern, low_q):
            added.extend(p for p in phrases if p.lower() not in low_q)
    text_low = " ".join(parts).lower()
    have = set(_CONTENT_WORD.findall(text_low))
    for p in dict.fromkeys(added):
        words = set(_CONTENT_WORD.findall(p.lower()))
        if p.lower() in text_low or words <= have:
            continue  # "children looked after" adds nothing to "looked after children" but weight
        parts.append(p)
        text_low += " " + p.lower()
        have |= words
        _add(expansions, [p])
        _add(related, [w for w in _words(p) if w not in topic])
    text = re.sub(r"\s+", " ", " ".join(parts)).strip(" -,;:")
    return text, core, topic, related, abbrevs, expansions, typed


# ---------------------------------------------------------------------------------------------------------------
# The entry point

def understand(question: str, councils: list[str] | None = None, previous: Query | None = None,
               known_councils: list[str] | None = None) -> Query:
    """Read a question: councils, years, latest, kind, comparison, and the text and terms to search for.

    `councils` given explicitly (the CLI's --council, the app's picker) win over names in the question; each is
    normalised through the gazetteer and an unknown one raises ValueError with close matches. `previous` is the
    chat's last Query: a follow-up that names no council keeps its councils, and one with no topic of its own
    ("What about Suffolk?") keeps its topic, years and kind. `known_councils` (the councils in the index) settles
    an ambiguous typo and fills `not_indexed`.
    """
    q = (question or "").replace("–", "-").replace("—", "-").replace("‘", "'").replace("’", "'")
    words = re.findall(r"[A-Za-z]{2,}", q)
    shouting = len(words) >= 4 and sum(w.isupper() for w in words) >= 0.8 * len(words)  # typed in capitals
    known = frozenset(known_councils) if known_councils is not None else None

    mentions = find_councils(q, known)
    named = list(dict.fromkeys(m.council for m in mentions))
    corrected = {m.typed: m.council for m in mentions if m.how == "fuzzy"}
    given = [resolve_council(c) for c in councils] if councils else []

    years, y_from, y_to, year_spans = _years(q)
    latest = bool(_LATEST.search(q))
    if latest:
        y_to = None  # "outstanding in 2019 - what is it rated at the latest inspection?"
        if y_from is not None and len(years) == 1 and not _OPEN_FROM.search(q):
            y_from = None
    compare = bool(_COMPARE.search(q))
    neighbours = bool(_NEIGHBOURS.search(q))

    drop = [(m.start, m.end) for m in mentions] + year_spans
    drop += [m.span() for m in _NEIGHBOURS.finditer(q)] if neighbours else []
    framework = _framework(q)
    if framework:
        drop += [m.span() for p, _ in V.FRAMEWORK_CUES for m in re.finditer(p, q, re.IGNORECASE)]
    speaker = _speaker(q)
    # a council's own reports talk about "the Ofsted inspection": there those words find the passage
    keep = frozenset({"ofsted", "inspection", "inspections"}) if speaker == "council" else frozenset()
    text, core, topic, related, abbrevs, expansions, typed = _search_text(q, drop, shouting, keep)

    general = bool(_GENERAL_COUNCILS.search(q))
    region_m = _REGION.search(q)
    region = _REGIONS[region_m.group(1).lower()] if region_m else None
    wanted = _stance_wanted(q)
    if region_m:
        drop.append(region_m.span())
    if region_m or wanted:
        base = list(drop)
        if wanted:  # "praised for", "criticised for" choose paragraphs by stance; as search words they add noise
            drop += [m.span() for m in _ASKERS_WORDS.finditer(q)]  # the reports' own ("needs to improve") stay
        text, core, topic, related, abbrevs, expansions, typed = _search_text(q, drop, shouting, keep)
        if wanted and not topic:  # "what needs to improve in Kent?": the cue is all the question asks
            drop = base
            text, core, topic, related, abbrevs, expansions, typed = _search_text(q, drop, shouting, keep)
    # topic words other than pointers back ("what were the recommendations about that?")
    topic_left = [t for t in topic if t.lower() not in _POINTER_TERMS]
    kept = False
    if given:
        chosen = given
    elif named:
        chosen = named
        if previous and previous.councils and _ADD_COUNCILS.search(q):
            chosen = list(dict.fromkeys(previous.councils + named))
            compare = True
    elif previous and previous.councils and not general and (_REFERS_BACK.search(q) or _BACKREF.search(q)
                                                                              or not topic_left):
        chosen = list(previous.councils)
        neighbours = neighbours or previous.neighbours
        kept = True
    else:
        chosen = []
    if region and not given and not named:
        chosen = [c.name for c in gazetteer.councils() if c.region == region
                  and (known is None or c.name in known)]

    if neighbours and len(chosen) == 1:
        extra = [c.name for c in gazetteer.neighbours(chosen[0])]
        if known is not None:
            extra = [c for c in extra if c in known]
        chosen = chosen + [c for c in extra if c not in chosen]
    compare = compare or len(chosen) >= 2

    query = Query(question=question, text=text, councils=chosen, year_from=y_from, year_to=y_to, latest=latest,
                  kind=_kind(q), compare=compare, core_text=core, topic_terms=topic, related_terms=related,
                  typed_terms=typed, years=years, abbreviations=abbrevs, expansions=expansions, framework=framework,
                  speaker=speaker, intent=_intent(q), neighbours=neighbours, corrected=corrected,
                  stance=wanted, history=bool(_HISTORY.search(q)), general=general, region=region,
                  reasons=bool(_REASONS.search(q)),
                  unknown_places=_unknown_places(q, mentions, region_m.span(1) if region_m else None),
                  kept_councils=kept)

    if previous is not None:
        follow_up = not topic or (not topic_left and (bool(_TOPIC_BACK.search(q)) or kept))
        if follow_up:  # "What about Suffolk?" / "And at the 2019 inspection?"
            query.text, query.core_text = previous.text, previous.core_text
            query.topic_terms = list(previous.topic_terms)
            query.typed_terms = list(previous.typed_terms)
            query.related_terms, query.abbreviations = list(previous.related_terms), list(previous.abbreviations)
            query.expansions = list(previous.expansions)
            query.intent = query.intent or previous.intent
            query.stance = query.stance or previous.stance
            query.speaker = query.speaker or previous.speaker
        if (follow_up or _BACKREF.search(q)) and not years and not latest:
            query.years, query.year_from, query.year_to = list(previous.years), previous.year_from, previous.year_to
            query.latest = previous.latest
            query.kind = query.kind or previous.kind
            query.framework = query.framework or previous.framework

    if known is not None:
        query.not_indexed = [c for c in query.councils if c not in known]
    return query
