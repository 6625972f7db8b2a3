"""The check every sentence of a written (language model) answer must pass before anyone sees it.

A model writes fluent text whether or not the reports say it; an officer pasting that text into a cabinet report
cannot tell which is which. So each sentence is held against the paragraphs it was given: it must cite at least
one of them as [n], and every number, percentage and council name in it must appear in a paragraph it cites (the
paragraph's text or the council and date it was sent with). A sentence that fails is removed, with the reason, and
is never shown as part of the answer. The rules are deliberately literal: a capable model passes them by quoting
its sources faithfully, and a careless one loses the sentences it invented.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from retrieval.answer import split_sentences
from retrieval.query import find_councils

# Reasons, worded for the person reading "what was removed" (also the keys the bench counts by).
NO_CITATION = "cites no paragraph"
UNKNOWN_CITATION = "cites a paragraph it was not given"
NUMBER_NOT_IN_SOURCE = "a number not in the paragraph it cites"
PERCENT_NOT_IN_SOURCE = "a percentage not in the paragraph it cites"
COUNCIL_NOT_IN_SOURCE = "a council not in the paragraph it cites"
NO_CONTENT = "no words besides its citations"


@dataclass(frozen=True)
class Source:
    """One paragraph as it was sent to the model, numbered [n]: what a sentence citing [n] may rest on."""

    n: int
    council: str
    published: str | None    # YYYY-MM-DD
    paragraph: str | None    # the printed paragraph number
    text: str
    header: str = ""         # the line the paragraph was introduced with (council, report date, paragraph)

    def support(self) -> str:
        return f"{self.header}\n{self.text}"


@dataclass(frozen=True)
class Verdict:
    """A sentence of the written answer and whether it may be shown (reason is None) or was removed (why)."""

    sentence: str
    citations: tuple[int, ...]
    reason: str | None = None
    detail: str = ""

    @property
    def kept(self) -> bool:
        return self.reason is None

    def why(self) -> str:
        """The reason in full, for the person reading what was removed."""
        return f"{self.reason}: {self.detail}" if self.detail else str(self.reason)


# ---------------------------------------------------------------------------------------------------------------
# Citations

_CITE = re.compile(r"\[\s*(\d{1,3}(?:\s*(?:[,;]|–|-|and)\s*\d{1,3})*)\s*\]")
_LEADING_CITES = re.compile(r"^(?:\s*\[\s*\d{1,3}(?:\s*(?:[,;]|–|-|and)\s*\d{1,3})*\s*\][\s,.;]*)+")


def citations(sentence: str) -> tuple[int, ...]:
    """The paragraph numbers a sentence cites, in order: "[1]", "[1][3]", "[1, 3]", "[2-4]"."""
    out: list[int] = []
    for m in _CITE.finditer(sentence):
        body = m.group(1)
        for part in re.split(r"\s*(?:[,;]|and)\s*", body):
            rng = re.fullmatch(r"(\d+)\s*[–-]\s*(\d+)", part)
            if rng:
                a, b = int(rng.group(1)), int(rng.group(2))
                out.extend(range(a, b + 1) if 0 < b - a <= 20 else (a, b))
            elif part.strip().isdigit():
                out.append(int(part))
    return tuple(dict.fromkeys(out))


def strip_citations(text: str) -> str:
    """The text without its [n] markers (for the previous turn sent as context, whose numbers meant other cards)."""
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s*" + _CITE.pattern, "", text)).strip()


# ---------------------------------------------------------------------------------------------------------------
# Sentences

def sentences(text: str) -> list[str]:
    """The sentences of a written answer. Citations written after the full stop ("... too long. [7]") belong to
    the sentence before them, not the one after."""
    spans = [text[a:b] for a, b in split_sentences(text)]
    out: list[str] = []
    for s in spans:
        lead = _LEADING_CITES.match(s)
        if lead and out and not citations(out[-1]):
            out[-1] = out[-1] + " " + lead.group(0).strip()
            s = s[lead.end():].strip()
            if not s:
                continue
        out.append(s.strip())
    return [s for s in out if s]


# ---------------------------------------------------------------------------------------------------------------
# Numbers and councils

_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
                      "eighty": "80", "ninety": "90", "hundred": "100"})
# "one" and "zero" are pronouns and idioms more often than figures ("one of the", "no one"); they are not checked.
_CHECKED_WORDS = frozenset(_NUMBER_WORDS) - {"one", "zero"}
_NUM = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(%|per\s?cent|percent))?(?![\w])",
                  re.IGNORECASE)
_WORD_NUM = re.compile(r"\b(" + "|".join(sorted(_CHECKED_WORDS, key=len, reverse=True)) + r")\b"
                       r"(?:\s*(per\s?cent|percent))?", re.IGNORECASE)
_MONTHS = ("january february march april may june july august september october november december").split()


def _norm_number(s: str) -> str:
    s = s.replace(",", "")
    if "." in s:
        s = s.rstrip("0").rstrip(".") or "0"
    return s.lstrip("0") or "0"


def figures(text: str) -> list[tuple[str, str, bool]]:
    """The figures a text states: (as written, normalised value, is a percentage). Citation markers excluded."""
    body = _CITE.sub(" ", text)
    out = [(m.group(0), _norm_number(m.group(1)), bool(m.group(2))) for m in _NUM.finditer(body)]
    out += [(m.group(0), _NUMBER_WORDS[m.group(1).lower()], bool(m.group(2))) for m in _WORD_NUM.finditer(body)]
    return out


def _date_figures(published: str | None) -> set[str]:
    """A report date sent as 2019-05-12 may be written 2019, 12 May 2019 or May 2019."""
    if not published or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        return set()
    y, m, d = published.split("-")
    return {_norm_number(y), _norm_number(m), _norm_number(d)}


def _support_figures(src: Source) -> tuple[set[str], set[str]]:
    """(every figure, the percentages) in what a source was sent with."""
    found = figures(src.support())
    nums = {v for _, v, _ in found} | _date_figures(src.published)
    pct = {v for _, v, p in found if p}
    return nums, pct


def _councils_in(text: str) -> set[str]:
    return {m.council for m in find_councils(_CITE.sub(" ", text))}


def _support_councils(src: Source) -> set[str]:
    return {src.council} | _councils_in(src.support())


# ---------------------------------------------------------------------------------------------------------------
# The check

def check_sentence(sentence: str, sources: Sequence[Source]) -> Verdict:
    """Whether one sentence may be shown, given the paragraphs the model was sent (numbered 1..len(sources))."""
    by_n = {s.n: s for s in sources}
    cited = citations(sentence)
    if not re.search(r"[A-Za-z]", _CITE.sub("", sentence)):
        return Verdict(sentence, cited, NO_CONTENT)
    if not cited:
        return Verdict(sentence, cited, NO_CITATION)
    unknown = [n for n in cited if n not in by_n]
    if unknown:
        given = f"[1]-[{len(sources)}]" if sources else "none"
        return Verdict(sentence, cited, UNKNOWN_CITATION,
                       f"{', '.join(f'[{n}]' for n in unknown)} (it was given {given})")
    srcs = [by_n[n] for n in cited]
    nums: set[str] = set()
    pcts: set[str] = set()
    for s in srcs:
        a, b = _support_figures(s)
        nums |= a
        pcts |= b
    cites = "".join(f"[{n}]" for n in cited)
    for written, value, is_pct in figures(sentence):
        if is_pct and value not in pcts:
            return Verdict(sentence, cited, PERCENT_NOT_IN_SOURCE, f"'{written.strip()}' is not in {cites}")
        if value not in nums:
            return Verdict(sentence, cited, NUMBER_NOT_IN_SOURCE, f"'{written.strip()}' is not in {cites}")
    allowed: set[str] = set()
    for s in srcs:
        allowed |= _support_councils(s)
    for council in sorted(_councils_in(sentence)):
        if council not in allowed:
            return Verdict(sentence, cited, COUNCIL_NOT_IN_SOURCE,
                           f"{council} is not in {cites} ({', '.join(sorted({s.council for s in srcs}))})")
    return Verdict(sentence, cited)


def check(text: str, sources: Sequence[Source]) -> list[Verdict]:
    """Every sentence of a finished written answer, checked."""
    return [check_sentence(s, sources) for s in sentences(text)]


def check_stream(chunks: Iterable[str], sources: Sequence[Source]) -> Iterator[Verdict]:
    """Sentences checked as a streamed answer arrives: each is judged as soon as it is finished, i.e. once the next
    one has begun (so citations written after its full stop, "... too long. [7]", have arrived)."""
    buffer = ""
    emitted = 0
    for chunk in chunks:
        buffer += chunk
        found = sentences(buffer)
        for s in found[emitted:-1]:
            yield check_sentence(s, sources)
        emitted = max(emitted, len(found) - 1)
    for s in sentences(buffer)[emitted:]:
        yield check_sentence(s, sources)
