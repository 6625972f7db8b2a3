"""A topic across every council: which councils' reports say something about it, with the paragraphs that say it,
and how common it is by year, region and grade.

A council is listed because one of its paragraphs is *about* the topic, not because it holds the closest paragraph
to it: some topics are in nearly every report (corporate parenting), others in a handful (radicalisation), and a
ranking alone cannot tell the two apart. So the whole library is read in one pass with the same two rankings as
search (BM25 over bm25s, dense vectors in Chroma), restricted to the reports asked about, and every paragraph gets
an absolute test:

- the topic is cut into facets at its conjunctions ("special guardians and kinship carers" is about either), and an
  abbreviation's facet is joined by its spelled-out forms ("UASC" / "unaccompanied asylum-seeking children");
- a facet's words are weighted by how rare they are in the library (inverse document frequency), so "children"
  and "support" count for little and "radicalisation" or "guardian" for much; a paragraph's *coverage* of a facet
  is the weighted share of its words the paragraph holds close together (in one window of its words, heading
  included: a "Private fostering" heading speaks for the paragraphs under it), word forms matched by stem and by
  stem prefix ("guardian" ~ "guardianship");
- the paragraph is about the topic when its coverage reaches a calibrated level, or when its dense similarity to
  the topic alone is as high as a paraphrase's (the same thing in other words).

The levels were calibrated on labels of our own topics (bench/labels/themes_own.jsonl; bench/themes_bench.py prints
the figures), never on the evaluation's topics.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ingest import gazetteer
from retrieval import lexical
from retrieval.profile import overall_judgement
from retrieval.query import abbreviation_term, understand
from retrieval.search import Filters, Searcher
from retrieval.stance import keep_stance
from retrieval.stance import stance as paragraph_stance
from retrieval.store import PARAGRAPHS
from retrieval.vocabulary import QUESTION_FILLER

# The absolute test (see the module docstring); calibrated by `bench/themes_bench.py --grid` on our own labels. The
# dense similarity cannot tell "about it" from "near it": MiniLM finds any paragraph on care leavers' housing as close
# to "staying put arrangements for care leavers" as one about staying put (0.70-0.75 both) and knows little of rarer
# terms ("deprivation of liberty" paragraphs sit at 0.20-0.35). Measured on our labels, requiring it to agree with the
# words (at any level from 0.2 to 0.55) or letting it list a paragraph on its own below 0.8 only lost F1; so the
# words decide, and the meaning alone lists a paragraph only when it is as close as a paraphrase.
COVERAGE = 0.55           # the weighted share of a facet's words a window must hold (two key words among them)
DENSE_ALONE = 0.80        # cosine similarity at which a paragraph is about the topic whatever its words
WINDOW_SLACK = 2          # other words allowed among a facet's words in the window (stop words aside)
KEY_RATIO = 0.6           # a facet's word weighing this share of its rarest word's weight is a key word
PREFIX_MIN = 5            # a stem this long also matches longer stems it starts ("guardian" ~ "guardianship")
GENERIC_SHARE = 0.08      # a word in more than this share of paragraphs cannot make a facet on its own
DENSE_DEPTH = 200         # nearest paragraphs Chroma returns per facet: enough to reach below DENSE_ALONE
QUALIFIER_WEIGHT = 0.5    # a qualifier's words ("for care leavers") against the head's ("staying put arrangements")
EVIDENCE = 3              # paragraphs quoted per council
_SPLIT = re.compile(r"\s*(?:,|;|/|&|\+|\band\b|\bor\b|\bincluding\b|\bas well as\b)\s*", re.IGNORECASE)
_QUALIFIER = re.compile(r"\b(?:for|who|whom|whose|that|which|with|at|in|on|to|from|about|among|by)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


@dataclass(frozen=True)
class Facet:
    """One way of naming the topic: its words as typed, their stems and each stem's weight (rarity)."""

    words: str
    stems: tuple[str, ...]
    weights: tuple[float, ...]

    @property
    def total(self) -> float:
        return float(sum(self.weights))

    @property
    def keys(self) -> set[int]:
        """The positions of its key words: those nearly as rare as its rarest. One key word of a phrase with two
        ("corporate" of "corporate parenting", "private" of "private fostering") is not the phrase."""
        top = max(self.weights, default=0.0)
        return {k for k, w in enumerate(self.weights) if w >= KEY_RATIO * top}


class _Vocabulary:
    """What the BM25 index knows about words: how many paragraphs hold each stem, and which."""

    def __init__(self, index: lexical.LexicalIndex):
        self.index = index
        self.model = index.model
        self.n = max(1, len(index.ids))
        scores = getattr(self.model, "scores", None) or {}
        self.indptr = scores.get("indptr")
        self.indices = scores.get("indices")
        vocab = getattr(self.model, "vocab_dict", None) or {}
        self.vocab: dict[str, int] = vocab
        self._by_prefix: dict[str, list[int]] = {}

    def token_ids(self, stem: str) -> list[int]:
        """The vocabulary entries a stem stands for: itself, and longer stems it begins when it is long enough."""
        if stem in self._by_prefix:
            return self._by_prefix[stem]
        ids = [self.vocab[stem]] if stem in self.vocab else []
        if len(stem) >= PREFIX_MIN:
            ids += [i for t, i in self.vocab.items() if t != stem and t.startswith(stem)]
        self._by_prefix[stem] = ids
        return ids

    def docs(self, stem: str) -> np.ndarray:
        """Positions (in the lexical index) of the paragraphs holding the stem or one of its longer forms."""
        if self.indptr is None or self.indices is None:
            return np.zeros(0, dtype=np.int64)
        parts = [self.indices[self.indptr[i]:self.indptr[i + 1]] for i in self.token_ids(stem)]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(parts)) if len(parts) > 1 else np.asarray(parts[0])

    def share(self, stem: str) -> float:
        return len(self.docs(stem)) / self.n

    def weight(self, stem: str) -> float:
        """Inverse document frequency: a word in every paragraph weighs nothing, an unseen one the most."""
        df = len(self.docs(stem))
        return float(np.log((self.n + 1) / (df + 0.5)))


def _content_words(text: str) -> list[str]:
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    return [w for w in words if re.sub(r"'s$", "", w) not in QUESTION_FILLER]


def facets(topic: str, vocab: _Vocabulary) -> list[Facet]:
    """The topic's facets: parts joined by 'and'/'or'/commas, each with the spelled-out forms of its
    abbreviations. A part whose words are all common (\"children\") is no facet on its own: the whole topic is.
    Within a part, the words after its first linking word ("staying put arrangements | for care leavers", "return
    home interviews | for children who go missing") qualify the head and weigh QUALIFIER_WEIGHT as much, when the
    head has a distinctive word of its own."""
    parts = [p for p in _SPLIT.split(topic) if _content_words(p)]
    stems_of = lambda words: [s for s in dict.fromkeys(lexical.tokenize(" ".join(words))) if s]
    distinctive = lambda stems: any(vocab.share(s) <= GENERIC_SHARE for s in stems)
    phrases: list[tuple[list[str], list[str]]] = []  # (head words, qualifier words)
    for part in parts or [topic]:
        m = _QUALIFIER.search(part)
        head, qual = (part[:m.start()], part[m.start():]) if m and _content_words(part[:m.start()]) else (part, "")
        words, qwords = _content_words(head), _content_words(qual)
        phrases.append((words, qwords))
        for short in understand(head).abbreviations:
            term = abbreviation_term(short)
            if term is None:
                continue
            at = next((i for i, w in enumerate(words) if re.sub(r"s$", "", w) == short.lower()
                       or w == short.lower()), None)
            for exp in term.expansions:
                spelled = _content_words(exp)
                phrases.append((spelled if at is None else words[:at] + spelled + words[at + 1:], qwords))
    whole = stems_of(_content_words(topic))
    out: list[Facet] = []
    seen: set[tuple[str, ...]] = set()
    for words, qwords in phrases:
        head = stems_of(words)
        stems = stems_of(words + qwords)
        if not stems:
            continue
        if not distinctive(stems):
            stems, head = whole, whole  # "children" alone says nothing: the whole topic is the facet
        light = set(stems) - set(head) if distinctive(head) else set()
        key = tuple(stems)
        if key in seen:
            continue
        seen.add(key)
        out.append(Facet(words=" ".join(words + qwords), stems=key,
                         weights=tuple(vocab.weight(s) * (QUALIFIER_WEIGHT if s in light else 1.0) for s in stems)))
    return out


def _bag_coverage(facet: Facet, vocab: _Vocabulary) -> np.ndarray:
    """Per paragraph of the lexical index, the weighted share of the facet's stems it holds anywhere."""
    cov = np.zeros(vocab.n, dtype=np.float32)
    total = facet.total or 1.0
    for stem, w in zip(facet.stems, facet.weights):
        cov[vocab.docs(stem)] += w / total
    return cov


def _matches(stem: str, token: str) -> bool:
    return token == stem or (len(stem) >= PREFIX_MIN and token.startswith(stem))


def window_coverage(facet: Facet, tokens: list[str]) -> float:
    """The best weighted share of the facet's stems found within one window of the paragraph's words (stop words
    aside), so "independent ... visitors" three sentences apart does not make "independent visitors"; a window
    counts only with two of the facet's key words (its one key word when it has one)."""
    total = facet.total or 1.0
    span = len(facet.stems) + WINDOW_SLACK
    keys = facet.keys
    need = min(2, len(keys))
    hits = [(i, k) for i, tok in enumerate(tokens) for k, stem in enumerate(facet.stems) if _matches(stem, tok)]
    best = 0.0
    for a, (i, _k) in enumerate(hits):
        got: set[int] = set()
        for j, k in hits[a:]:
            if j - i >= span:
                break
            got.add(k)
        if len(got & keys) >= need:
            best = max(best, sum(facet.weights[k] for k in got) / total)
    return best


def about(coverage: float, similarity: float) -> bool:
    """The absolute test: is a paragraph with this coverage of the topic and this dense similarity about it?"""
    return coverage >= COVERAGE or similarity >= DENSE_ALONE


def resolve_region(name: str) -> str:
    """A region's name as the gazetteer writes it ("north west" -> "North West"); ValueError names the choices."""
    regions = sorted({c.region for c in gazetteer.councils() if c.region})
    key = re.sub(r"[^a-z]+", " ", (name or "").lower()).strip()
    for r in regions:
        if re.sub(r"[^a-z]+", " ", r.lower()).strip() == key:
            return r
    close = [r for r in regions if key and key in r.lower()]
    if len(close) == 1:
        return close[0]
    raise ValueError(f"unknown region {name!r}: choose one of {', '.join(regions)}")


def region_of(council: str) -> str:
    c = gazetteer.lookup(council)
    return c.region if c and c.region else "Unknown"


def _scope(searcher: Searcher, latest: bool, region: str | None, since: int | None,
           framework: str | None) -> tuple[set[str], list[str]]:
    """The reports read, and the councils they cover (Ofsted's own reports only: council papers are not
    inspectors' findings). With `latest`, each council's latest full inspection."""
    councils = None
    if region:
        wanted = resolve_region(region)
        councils = [c for c in searcher.councils() if region_of(c) == wanted]
        if not councils:
            return set(), []
    f = Filters(councils=councils or [], year_from=since, framework=framework,
                kind="ofsted_inspection" if latest else None, latest=latest)
    allowed = {rid for rid in searcher.allowed_reports(f)
               if (searcher.reports[rid].get("kind") or "").startswith("ofsted")}
    return allowed, sorted({searcher.reports[r]["council"] for r in allowed})


@dataclass
class Scored:
    """A paragraph that could be about the topic, with the two figures the test reads."""

    pid: str
    text: str
    meta: dict[str, Any]
    coverage: float
    similarity: float


def scored_paragraphs(searcher: Searcher, topic: str, parts: list[Facet], allowed: set[str],
                      min_coverage: float = COVERAGE, min_similarity: float = DENSE_ALONE,
                      vocab: _Vocabulary | None = None, depth: int = DENSE_DEPTH) -> list[Scored]:
    """The one pass over the library: every paragraph of the allowed reports whose words cover a facet to
    `min_coverage` (bag of words over the BM25 index) or whose dense similarity to the topic or a facet reaches
    `min_similarity` (Chroma, nearest `depth` per facet; 0 for a paragraph beyond them), with its window coverage
    and similarity."""
    index = searcher.lexicon
    vocab = vocab or _Vocabulary(index)
    in_scope = index.mask(allowed)  # the lexical index's own per-report row slices
    bag = np.zeros(vocab.n, dtype=np.float32)
    for f in parts:
        bag = np.maximum(bag, _bag_coverage(f, vocab))
    bag[~in_scope] = 0.0
    pool = {index.ids[i] for i in np.flatnonzero(bag >= min_coverage)}

    similarity: dict[str, float] = defaultdict(float)
    texts = [topic] + [f.words for f in parts if f.words.lower() != topic.lower()]
    for text in dict.fromkeys(texts):
        vec = searcher.embedder.embed_query(text)
        for pid, sim, _doc, _meta in searcher.store.dense(PARAGRAPHS, vec, depth, allowed):
            similarity[pid] = max(similarity[pid], sim)
    pool |= {pid for pid, sim in similarity.items() if sim >= min_similarity}

    out = []
    for pid, (doc, meta) in searcher.store.get_paragraphs(sorted(pool)).items():
        if meta.get("report_id") not in allowed:
            continue
        heading = (meta.get("section") or "").split(" > ")[-1]
        tokens = lexical.tokenize(f"{heading} {doc}")
        cov = max((window_coverage(f, tokens) for f in parts), default=0.0)
        out.append(Scored(pid, doc, meta, cov, similarity.get(pid, 0.0)))
    return out


def themes(searcher: Searcher, topic: str, latest: bool = False, region: str | None = None,
           since: int | None = None, framework: str | None = None, evidence: int = EVIDENCE,
           stance: str | None = None) -> dict[str, Any]:
    """Every council whose reports say something about `topic`, with its best paragraphs, and the counts by year,
    region and grade. With a `stance`, only what inspectors say that way counts ("which councils were praised for
    it": a council is listed when one of its paragraphs on the topic is a strength, or mixed, strengths quoted
    first; the rule of retrieval/stance.keep_stance, as Compare's). Raises ValueError for an empty topic, an
    unknown region or an unknown stance."""
    if not lexical.tokenize(topic or ""):
        raise ValueError('give a topic in words, e.g. inspections themes "private fostering"')
    keep_stance([], stance)  # an unknown stance is a ValueError naming the choices, before reading anything
    searcher.refresh()
    allowed, considered = _scope(searcher, latest, region, since, framework)
    out: dict[str, Any] = {"topic": topic, "latest": latest, "region": resolve_region(region) if region else None,
                           "since": since, "framework": framework, "stance": stance, "facets": [], "councils": [],
                           "by_year": [],
                           "by_region": [], "by_grade": [], "councils_considered": len(considered),
                           "reports_considered": len(allowed)}
    if not allowed:
        return out
    vocab = _Vocabulary(searcher.lexicon)
    parts = facets(topic, vocab)
    out["facets"] = [f.words for f in parts]
    found: dict[str, list[tuple[float, str, str, dict]]] = defaultdict(list)
    for p in scored_paragraphs(searcher, topic, parts, allowed, vocab=vocab):
        if about(p.coverage, p.similarity):
            found[p.meta["report_id"]].append((p.coverage + p.similarity, p.pid, p.text, p.meta))
    for rid, hits in list(found.items()):
        hits.sort(key=lambda h: -h[0])  # best first; a stance filter keeps this order within its groups
        kept = keep_stance(hits, stance, of=lambda h: _stance(h[2], h[3].get("section"), h[3].get("part") or "main"))
        if kept:
            found[rid] = kept
        else:
            del found[rid]
    _listing(searcher, out, found, considered, evidence)
    return out


@lru_cache(maxsize=200_000)
def _stance(text: str, section: str | None, part: str) -> str:
    """A paragraph's stance, remembered: a stance filter reads every paragraph on the topic (a thousand for a common
    one, ~1.5 ms each), and the app asks about the same paragraphs again and again."""
    return paragraph_stance(text, section, part)


def _listing(searcher: Searcher, out: dict[str, Any], found: dict[str, list], considered: list[str],
             evidence: int) -> None:
    """One row per council (its latest report that speaks of the topic, quoted), and the counts."""
    by_council: dict[str, list[str]] = defaultdict(list)
    for rid in found:
        by_council[searcher.reports[rid]["council"]].append(rid)
    rows = []
    for council, rids in by_council.items():
        rids.sort(key=lambda r: (searcher.reports[r].get("published") or "", r), reverse=True)
        rep = searcher.reports[rids[0]]
        hits = found[rids[0]][:evidence]  # in the order themes() gave them: best first, the stance asked for first
        ev = [searcher.evidence(doc, meta, round(score, 4)).to_json() for score, _pid, doc, meta in hits]
        overall = overall_judgement(rep.get("judgements") or [])
        rows.append({"council": council, "region": region_of(council), "report_id": rep["report_id"],
                     "published": rep.get("published"), "kind": rep.get("kind"), "framework": rep.get("framework"),
                     "title": rep.get("title"), "grade": (ev[0].get("grade") if ev else None) or None,
                     "section": ev[0].get("section") if ev else None,
                     "overall_grade": overall.get("grade") if overall else None,
                     "reports": [{"report_id": r, "published": searcher.reports[r].get("published"),
                                  "paragraphs": len(found[r])} for r in rids],
                     "evidence": ev})
    rows.sort(key=lambda r: (r["region"], r["council"]))
    out["councils"] = rows

    years: dict[str, dict[str, set]] = defaultdict(lambda: {"councils": set(), "reports": set()})
    for rid in found:
        rep = searcher.reports[rid]
        y = (rep.get("published") or "")[:4] or "unknown"
        years[y]["councils"].add(rep["council"])
        years[y]["reports"].add(rid)
    out["by_year"] = [{"year": y, "councils": len(v["councils"]), "reports": len(v["reports"])}
                      for y, v in sorted(years.items())]
    listed = Counter(r["region"] for r in rows)
    reports = Counter()
    for r in rows:
        reports[r["region"]] += len(r["reports"])
    total = Counter(region_of(c) for c in considered)
    out["by_region"] = [{"region": reg, "councils": listed.get(reg, 0), "reports": reports.get(reg, 0),
                         "councils_considered": n, "share": round(listed.get(reg, 0) / n, 3) if n else 0.0}
                        for reg, n in sorted(total.items())]
    grades = Counter(r["overall_grade"] or "no grade" for r in rows)
    out["by_grade"] = [{"grade": g, "councils": n} for g, n in sorted(grades.items(), key=lambda kv: -kv[1])]
