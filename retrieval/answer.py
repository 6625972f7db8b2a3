"""The extractive answer: the few sentences of the top evidence that answer the question, quoted verbatim.

Without a language model the honest answer is a choice of the reports' own sentences, each followed by the number
of the evidence card it comes from, so an officer can paste it and anyone can check it. A sentence is chosen for
sharing the question's content words (and the reports' words for its abbreviations), weighed with the search's
ranking; when nothing shares the question's content the answer says so instead of padding with weak matches.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from ingest.models import Evidence
from retrieval import vocabulary as V
from retrieval.citation import long_date
from retrieval.query import Query, abbreviation_term
from retrieval.stance import sentence_stance

MAX_PER_PARAGRAPH = 2
LONG_SENTENCE_WORDS = 60  # longer "sentences" (run-on lists, tables) are cut at semicolons into clauses


@dataclass
class Answer:
    text: str                             # sentences with [n] markers, under council headings when several
    sentences: list[tuple[str, int]]      # (verbatim sentence, 1-based evidence index)
    councils: list[str]
    found: bool                           # False when nothing relevant: text then says so plainly


# ---------------------------------------------------------------------------------------------------------------
# Sentences

# Words after which a full stop does not end a sentence (compared lower case, without the stop).
_ABBREVIATIONS = frozenset("""
e.g eg i.e ie etc cf viz vs v al approx ca c mr mrs ms dr prof rev st no nos para paras p pp fig figs vol ch sec
s ss ref refs cllr ltd co inc dept govt gov jan feb mar apr jun jul aug sep sept oct nov dec est min max nb
""".split())
_END = re.compile(r"[.!?]+['\"’”)\]]*(?=\s)")
_STARTER = re.compile(r"\s+[\"'‘“(\[]?[A-Z0-9•]")
_BULLET_BREAK = re.compile(r"\n\s*(?=[•▪●◦·\-–*]\s|\(?[a-z0-9]{1,3}[.)]\s+[A-Z])")
_LEAD = re.compile(r"^[\s•▪●◦·\-–*]+|^\(?(?:[a-z]|[0-9]{1,2}|[ivx]{1,4})[.)]\s+(?=[A-Za-z])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of a paragraph, so each sentence is an exact substring of it.

    A full stop ends a sentence only when a capital, digit, quote or bullet follows and the word before it is not
    an abbreviation ("e.g.", "para.", "Cllr."), an initial ("J. Smith") or part of a number ("2.1"). Bulleted lines
    are sentences of their own even without a stop.
    """
    cuts: set[int] = set()
    for m in _END.finditer(text):
        if not _STARTER.match(text, m.end()):
            continue
        mark = m.group(0)
        if mark[0] == "." and not mark.startswith(".."):
            before = text[:m.start()].split()
            word = before[-1].lstrip("([\"'‘“") if before else ""
            bare = word.lower()
            if bare in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word) or re.fullmatch(r"(?:[a-z]\.)+[a-z]?", bare):
                continue  # "e.g.", "para.", "J. Smith", "U.K."
        cuts.add(m.end())
    for m in _BULLET_BREAK.finditer(text):
        cuts.add(m.start())
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in sorted(cuts) + [len(text)]:
        spans.extend(_trim(text, start, cut))
        start = cut
    return [s for s in spans if len(text[s[0]:s[1]]) >= 3]


def _trim(text: str, start: int, end: int) -> list[tuple[int, int]]:
    seg = text[start:end]
    lead = _LEAD.match(seg)
    s = start + (lead.end() if lead else 0)
    while s < end and text[s].isspace():
        s += 1
    e = end
    while e > s and text[e - 1].isspace():
        e -= 1
    if e <= s:
        return []
    if len(text[s:e].split()) <= LONG_SENTENCE_WORDS:
        return [(s, e)]
    out = []
    cs = s
    for m in re.finditer(r";\s+", text[s:e]):
        out.append((cs, s + m.start() + 1))
        cs = s + m.end()
    out.append((cs, e))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Scoring

_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an and are as at be but by for if in into is it no not of on or such that the their then "
                  "there these they this to was will with".split())


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def stems(text: str) -> list[str]:
    """Stems of a text's words, in order ("care leavers'" -> ["care", "leaver"])."""
    text = re.sub(r"\b([A-Z]{2,})['’]?s\b", r"\1", text)  # plural abbreviations: "PAs", "SGOs", "IRO's"
    low = text.lower().replace("’", "'").replace("'s", "").replace("'", "")
    return _stemmer().stemWords(_TOKEN.findall(low))


@lru_cache(maxsize=1)
def _generic() -> frozenset[str]:
    return frozenset(_stemmer().stemWords(sorted(V.GENERIC_TERMS)))


# What a recommendation or a judgement looks like, for questions that ask for one: Ofsted's recommendations are
# imperatives ("Ensure that ...") or say what should/must/needs to happen; judgements name a grade.
_RECOMMEND = re.compile(r"^(ensure|improve|increase|develop|strengthen|review|establish|reduce|make sure|secure|embed|"
                        r"implement|address|provide|take|consider|monitor)\b|\b(should|must|needs? to)\b",
                        re.IGNORECASE)
_GRADE = re.compile(r"\b(judged|judgements?|judgments?|graded|rated)\b|\boverall effectiveness\b|"
                    r"\b(is|are|was|were|remains?|be|been|now)\s+(outstanding|good|adequate|inadequate|"
                    r"requires improvement)\b|\brequires improvement to be good\b", re.IGNORECASE)
_INTENTS: dict[str, tuple[frozenset[str], re.Pattern[str]]] = {
    "recommendations": (frozenset("recommend recommends recommended recommendation recommendations improve improves "
                                  "improvement improvements areas area need needs must should".split()), _RECOMMEND),
    "judgements": (frozenset("judged judgement judgements judgment judgments grade grades graded rated rating "
                             "ratings overall".split()), _GRADE),
}


@dataclass(frozen=True)
class _Concept:
    """One thing the question asks about: a word, an abbreviation with the reports' ways of writing it, or what the
    question wants (a recommendation, a judgement), recognised by the shape of a sentence rather than a word."""

    weight: float
    forms: tuple[frozenset[str], ...]  # matched when every stem of any one form is in the sentence
    pattern: re.Pattern[str] | None = None

    def matches(self, present: set[str], sentence: str) -> bool:
        return any(f <= present for f in self.forms) or bool(self.pattern and self.pattern.search(sentence))


@dataclass
class _Terms:
    concepts: list[_Concept]
    related: dict[str, float]  # synonym stems: a bonus, never needed
    total: float
    bigrams: frozenset[tuple[str, str]]


ABBREVIATION_WEIGHT = 1.5  # an abbreviation names a specific practice (LADO, PEP): the likely point of a question
MIN_COVERAGE = 0.3         # share of the question's weight a sentence must carry to be quoted at all


def _form(phrase: str, generic: frozenset[str]) -> frozenset[str]:
    st = [s for s in stems(phrase) if s not in _STOP]
    specific = [s for s in st if s not in generic]
    return frozenset(specific or st)


def _terms(query: Query) -> _Terms:
    generic = _generic()
    concepts: list[_Concept] = []
    intent_words: frozenset[str] = frozenset()
    if query.intent in _INTENTS:
        cue_words, pattern = _INTENTS[query.intent]
        intent_words = frozenset(_stemmer().stemWords(sorted(cue_words)))
        concepts.append(_Concept(1.0, (), pattern))
    shorts = {a.lower() for a in query.abbreviations}
    for short in query.abbreviations:
        term = abbreviation_term(short)
        phrases = [short, *(term.expansions if term else ())]
        forms = tuple(f for f in dict.fromkeys(_form(p, frozenset()) if i == 0 else _form(p, generic)
                                                for i, p in enumerate(phrases)) if f)
        if forms:
            concepts.append(_Concept(ABBREVIATION_WEIGHT, forms))
    words = query.typed_terms or query.topic_terms
    seq = [s for s in stems(" ".join(w for w in words if w not in shorts)) if s not in _STOP and s not in intent_words]
    all_generic = len(concepts) == (1 if intent_words else 0) and all(s in generic for s in seq)
    seen: set[str] = set()
    for s in seq:
        if s in seen or any(frozenset({s}) in c.forms for c in concepts):
            continue
        seen.add(s)
        concepts.append(_Concept(1.0 if (s not in generic or all_generic) else 0.3, (frozenset({s}),)))
    in_concepts = {x for c in concepts for f in c.forms for x in f}
    related = {s: (0.5 if s not in generic else 0.0) for s in stems(" ".join(query.related_terms))
               if s not in _STOP and s not in in_concepts}
    bigrams = frozenset((a, b) for a, b in pairwise(seq) if a != b)
    total = sum(c.weight for c in concepts) or 1.0
    return _Terms(concepts, {k: v for k, v in related.items() if v}, total, bigrams)


@dataclass
class _Candidate:
    evidence: int       # 0-based index into the evidence list
    start: int
    end: int
    text: str
    score: float
    council: str


def _score(sentence: str, rank: int, terms: _Terms, bonus: float = 0.0) -> float | None:
    """Relevance of one sentence, or None when it shares no specific content with the question (or too little)."""
    seq = stems(sentence)
    present = set(seq)
    matched = [c for c in terms.concepts if c.matches(present, sentence)]
    related = sum(w for s, w in terms.related.items() if s in present)
    if not any(c.weight >= 1.0 for c in matched) and not related:
        return None
    coverage = (sum(c.weight for c in matched) + min(1.0, related)) / terms.total
    if coverage < MIN_COVERAGE:
        return None
    score = coverage + 0.25 * min(2, len(terms.bigrams & set(pairwise(seq)))) + bonus
    n = len(seq)
    if n < 5:
        score *= 0.7
    elif n > LONG_SENTENCE_WORDS:
        score *= 0.5  # a contents list or a table run together, not a finding
    if sum(t.isdigit() for t in seq) > 0.2 * n:
        score *= 0.5
    letters = [ch for ch in sentence if ch.isalpha()]
    if len(letters) > 20 and sum(ch.isupper() for ch in letters) > 0.6 * len(letters):
        score *= 0.5  # a heading in capitals, not a finding
    return score + 0.25 / (1 + 0.5 * rank)


def _speaker_bonus(query: Query, ev: Evidence) -> float:
    """A little more for the voice the question asks for: inspectors' words, or the council's own."""
    if query.speaker == "ofsted" and ev.kind != "council_report":
        return 0.15
    if query.speaker == "council" and ev.kind == "council_report":
        return 0.15
    return 0.0


def _candidates(query: Query, terms: _Terms, evidence: list[Evidence]) -> list[_Candidate]:
    wanted = getattr(query, "stance", None)
    seen: set[str] = set()
    out: list[_Candidate] = []
    for i, ev in enumerate(evidence):
        for s, e in split_sentences(ev.text or ""):
            sentence = ev.text[s:e]
            norm = " ".join(stems(sentence))
            if not norm or norm in seen:
                continue
            score = _score(sentence, i, terms, _speaker_bonus(query, ev))
            if score is None:
                continue
            if wanted and sentence_stance(sentence) not in (wanted, "mixed"):
                continue  # "praised for": only sentences that praise, never a mixed paragraph's criticism
            seen.add(norm)
            out.append(_Candidate(i, s, e, sentence, score, ev.council))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Choosing and writing

def _leading(evidence: list[Evidence], n: int) -> list[_Candidate]:
    """No topic words at all ("Kent?"): the opening sentence of each of the top paragraphs."""
    out = []
    for i, ev in enumerate(evidence[:n]):
        spans = split_sentences(ev.text or "")
        if spans:
            s, e = spans[0]
            out.append(_Candidate(i, s, e, ev.text[s:e], 1.0 / (1 + i), ev.council))
    return out


def _choose(cands: list[_Candidate], order: list[str], compare: bool, max_sentences: int) -> list[_Candidate]:
    if not cands:
        return []
    best = max(c.score for c in cands)
    pool = sorted((c for c in cands if c.score >= 0.4 * best), key=lambda c: -c.score)
    per_para: dict[int, int] = {}
    chosen: list[_Candidate] = []

    def take(c: _Candidate) -> bool:
        if per_para.get(c.evidence, 0) >= MAX_PER_PARAGRAPH or c in chosen:
            return False
        per_para[c.evidence] = per_para.get(c.evidence, 0) + 1
        chosen.append(c)
        return True

    groups = list(dict.fromkeys(order + [c.council for c in pool]))
    if compare and len(groups) > 1:
        # side by side: each council's best sentences in turn, judged within its own evidence
        per_council = {g: sorted((c for c in cands if c.council == g), key=lambda c: -c.score) for g in groups}
        per_council = {g: [c for c in cs if c.score >= 0.4 * cs[0].score] for g, cs in per_council.items() if cs}
        limit = max(max_sentences, len(per_council))
        while len(chosen) < limit and any(per_council.values()):
            for g in groups:
                queue = per_council.get(g) or []
                while queue and len(chosen) < limit:
                    if take(queue.pop(0)):
                        break
        return chosen
    for c in pool:
        if len(chosen) >= max_sentences:
            break
        take(c)
    return chosen


def _display(sentence: str) -> str:
    return re.sub(r"\s+", " ", sentence).strip()


_OPPOSITE = {"strength": "concern", "concern": "strength"}


def _dated(ev: Evidence) -> str:
    """The report date after a bullet, so a 2014 figure never passes for a current finding."""
    when = long_date(ev.published)
    if not when:
        return ""
    return f"({when}{', earlier report' if getattr(ev, 'earlier', False) else ''}) "


def _nothing(query: Query, evidence: list[Evidence]) -> str:
    scope = []
    if query.councils:
        scope.append("for " + _and_list(query.councils))
    if query.latest:
        scope.append("at the latest inspection")
    elif query.year_from and query.year_to and query.year_from == query.year_to:
        scope.append(f"in {query.year_from}")
    elif query.year_from and query.year_to:
        scope.append(f"between {query.year_from} and {query.year_to}")
    elif query.year_from:
        scope.append(f"from {query.year_from}")
    elif query.year_to:
        scope.append(f"up to {query.year_to}")
    where = (" " + " ".join(scope)) if scope else ""
    if not evidence:
        first = f"No passage in the indexed reports{where} matches this question."
    else:
        first = f"Nothing in the indexed reports{where} answers this question."
    tips = ["try other words (the reports' own terms, for example 'children looked after' or 'care leavers')"]
    if scope or query.kind:
        tips.append("fewer filters (council, year, latest or report kind)")
    tips.append("or a broader question")
    return first + " You could " + ", ".join(tips[:-1]) + (" " if len(tips) > 1 else "") + tips[-1] + "."


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def extractive_answer(query: Query, evidence: list[Evidence], max_sentences: int = 5) -> Answer:
    """Up to `max_sentences` verbatim sentences from the evidence that answer the query, each with its [n] marker.

    At most two sentences come from one paragraph; sentences are grouped under a heading line per council when more
    than one council is involved, in the order the question named them, and within a council in evidence order.
    """
    if not evidence:
        return Answer(_nothing(query, evidence), [], list(query.councils), False)
    terms = _terms(query)
    if terms.concepts:
        cands = _candidates(query, terms, evidence)
        if not cands and getattr(query, "stance", None):
            cands = _candidates(dataclasses.replace(query, stance=None), terms, evidence)
            cands = [c for c in cands if sentence_stance(c.text) != _OPPOSITE[query.stance]]
    else:
        cands = _leading(evidence, max_sentences)
    order = [c for c in query.councils if any(x.council == c for x in cands)]
    chosen = _choose(cands, order, query.compare, max_sentences)
    if not chosen:
        return Answer(_nothing(query, evidence), [], list(query.councils), False)

    groups = list(dict.fromkeys(order + [c.council for c in sorted(chosen, key=lambda c: c.evidence)]))
    groups = [g for g in groups if any(c.council == g for c in chosen)]
    heading = len(groups) > 1 or (query.compare and len(query.councils) > 1)
    lines: list[str] = []
    sentences: list[tuple[str, int]] = []
    for g in groups:
        mine = sorted((c for c in chosen if c.council == g), key=lambda c: (c.evidence, c.start))
        if heading:
            if lines:
                lines.append("")
            lines.append(g)
        for c in mine:
            lines.append(f"- {_dated(evidence[c.evidence])}{_display(c.text)} [{c.evidence + 1}]")
            sentences.append((c.text, c.evidence + 1))
    if heading:
        for name in query.councils:
            if name not in groups:
                lines += ["", name, f"- Nothing in the passages found for {name} answers this."]
    return Answer("\n".join(lines), sentences, groups, True)

