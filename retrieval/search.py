"""Hybrid search: dense vectors in Chroma and BM25 over the same paragraphs, fused by reciprocal rank.

`Searcher` is what the CLI, the app and the tests all call: it holds the store, the model and the lexical index for
the life of a process so each question costs one embedding and two lookups.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from ingest.models import Evidence
from retrieval import lexical, vectors
from retrieval.answer import Answer, extractive_answer
from retrieval.citation import citation
from retrieval.grades import councils_by_grade, is_grade_list
from retrieval.query import Query, understand
from retrieval.stance import stance
from retrieval.store import PARAGRAPHS, RECOMMENDATIONS, Store, StoreError

MODES = ("hybrid", "dense", "bm25")
RRF_K = 10
# BM25 carries more of the fused score: the reports' own words (care leavers, return home interviews, IROs) are what
# officers type, and the small general model blurs them (measured on ../shared/eval, see bench/retrieval_report.py).
WEIGHTS = {"dense": 0.3, "bm25": 1.0}
MAX_QUESTION_CHARS = 2000  # the longest question read whole; a longer one is cut there and the answer says so
LEAD_FLOOR = 0.75  # share of the best paragraph's score a latest-report paragraph needs to be moved ahead
GRADE_BOOST = 0.03  # about three ranks' worth at the top of the fused list
REASONED_WORDS = 20  # a graded heading or judgement sentence is under 20 words; a paragraph giving reasons is longer
_ANY_GRADE = re.compile(r"\b(?:outstanding|good|inadequate|adequate|requires improvement)\b", re.IGNORECASE)
_GRADE_WORDS = re.compile(r"\b(?:are|is|was|were|been|judged|remains?)\s+(?:now\s+)?(?:outstanding|good|inadequate|adequate|"
                          r"requires improvement)", re.IGNORECASE)


def _bare_grade(text: str, meta: dict) -> bool:
    """A grade with no reasons: a graded heading kept as a paragraph, or a row of a table of grades."""
    return (len(text.split()) < REASONED_WORDS and bool(_ANY_GRADE.search(text))) or \
        (meta.get("section") or "").startswith("Judgements")


@dataclass
class Filters:
    """Which reports a search may return. Empty means everything."""

    councils: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    kind: str | None = None
    framework: str | None = None
    latest: bool = False
    report_ids: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, q: Query, **extra: Any) -> "Filters":
        return cls(councils=list(q.councils), year_from=q.year_from, year_to=q.year_to, kind=q.kind,
                   framework=getattr(q, "framework", None), latest=q.latest, **extra)


@dataclass
class AskResult:
    question: str
    query: Query
    answer: Answer
    evidence: list[Evidence]
    recommendations: list[dict[str, Any]]
    judgements: list[dict[str, Any]]
    timing_ms: float = 0.0
    message: str = ""
    notices: list[str] = field(default_factory=list)  # what was not understood or not read, in plain words

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer.text, "found": self.answer.found,
                "councils": self.query.councils, "evidence": [e.to_json() for e in self.evidence],
                "recommendations": self.recommendations, "judgements": self.judgements,
                "message": self.message, "notices": self.notices,
                "councils_kept": bool(getattr(self.query, "kept_councils", False)),
                "stance": getattr(self.query, "stance", None), "timing_ms": round(self.timing_ms, 1)}


def _norm_text(t: str) -> str:
    return re.sub(r"\W+", " ", t.lower()).strip()


class Searcher:
    def __init__(self, store: Store, embedder=None):
        self.store = store
        self._embedder = embedder
        self._lexical: lexical.LexicalIndex | None = None
        self._vectors: vectors.DenseMatrix | None = None
        self._rec_vectors: vectors.DenseMatrix | None = None
        self._latest: set[str] | None = None
        self._marker: tuple | None = None
        self._reports: dict[str, dict[str, Any]] | None = None
        self._stamp: str | None = None

    # ---- shared state, refreshed when another process has ingested --------------------------------------------
    @property
    def embedder(self):
        if self._embedder is None:
            from retrieval.embed import get_embedder

            self._embedder = get_embedder()
        return self._embedder

    def warm(self) -> None:
        """Load everything a first question would (index state, BM25, model) so answers are timed fairly."""
        self.refresh()
        self.embedder.embed_query("warm up")

    def refresh(self, force: bool = False) -> None:
        """Follow another process's writes. The stamp lists every report id (milliseconds at 10x the library, on every
        question), so it is read only when the index folder's files have been written since the last look."""
        marker = self.store.write_marker()
        if not force and self._reports is not None and marker is not None and marker == self._marker:
            return
        stamp = self.store.stamp()
        changed = force or stamp != self._stamp or self._reports is None
        # A report's record can change without the set of reports changing (fetch gives it the date Ofsted lists):
        # here the index folder was written, so the records are read again; the lexical index and vectors only when
        # the set changed. (Through a Chroma server, which has no folder to watch, only when the set changed.)
        if changed or marker is not None:
            self._reports = {r["report_id"]: r for r in self.store.reports()}
            self._latest = None
        if changed:
            self._lexical = lexical.load(self.store)
            self._vectors, self._rec_vectors = vectors.load_library(self.store)
            self._stamp = stamp if self._vectors is not None and self._rec_vectors is not None else None
        self._marker = marker if self._stamp is not None else None

    @property
    def reports(self) -> dict[str, dict[str, Any]]:
        if self._reports is None:
            self.refresh()
        return self._reports or {}

    def councils(self) -> list[str]:
        return sorted({r["council"] for r in self.reports.values() if r.get("council")})

    @property
    def lexicon(self) -> lexical.LexicalIndex:
        """The BM25 index as last refreshed: for capabilities that weigh the words themselves (themes)."""
        if self._lexical is None:
            self.refresh()
        assert self._lexical is not None
        return self._lexical

    def evidence(self, doc: str, meta: dict[str, Any], score: float) -> Evidence:
        """A stored paragraph (text and metadata as the store returns them) as Evidence with its citation."""
        return self._evidence(doc, meta, self.reports[meta["report_id"]], score)

    # ---- filters ---------------------------------------------------------------------------------------------------
    def allowed_reports(self, f: Filters) -> set[str]:
        reps = list(self.reports.values())
        if f.report_ids:
            ids = set(f.report_ids)
            reps = [r for r in reps if r["report_id"] in ids]
        if f.councils:
            wanted = {c.lower() for c in f.councils}
            reps = [r for r in reps if (r.get("council") or "").lower() in wanted]
        if f.kind:
            reps = [r for r in reps if r.get("kind") == f.kind]
        if f.framework:
            reps = [r for r in reps if r.get("framework") == f.framework]
        year = lambda r: int((r.get("published") or "0")[:4] or 0)
        if f.year_from:
            reps = [r for r in reps if year(r) >= f.year_from]
        if f.year_to:
            reps = [r for r in reps if year(r) <= f.year_to]
        if f.latest:
            latest: dict[str, dict] = {}
            for r in reps:
                if r.get("kind") == "council_report" and f.kind != "council_report":
                    continue
                cur = latest.get(r["council"])
                if cur is None or (r.get("published") or "") > (cur.get("published") or ""):
                    latest[r["council"]] = r
            reps = list(latest.values())
        return {r["report_id"] for r in reps}

    # ---- ranking ---------------------------------------------------------------------------------------------------
    def _dense(self, text: str, n: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        vec = self.embedder.embed_query(text)
        if vectors.exact_for(self._vectors, allowed):  # exact, over the allowed rows only (retrieval/vectors.py)
            hits = self._vectors.top(vec, n, allowed)
        else:
            hits = [(pid, sim) for pid, sim, _doc, _meta in self.store.dense(PARAGRAPHS, vec, n, allowed)]
        return [(pid, sim) for pid, sim in hits if pid.split(":")[0] in self.reports]

    def _bm25(self, text: str, n: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        assert self._lexical is not None
        return self._lexical.top(text, n, allowed)

    def search(self, text: str, filters: Filters | None = None, k: int = 10, mode: str = "hybrid",
               intent: str | None = None) -> list[Evidence]:
        """The k best paragraphs for a search text under filters, deduplicated, best first."""
        self.refresh()
        return self._rank(text, filters, k, mode, intent)

    def _rank(self, text: str, filters: Filters | None, k: int, mode: str, intent: str | None) -> list[Evidence]:
        """`search` on the reports as last refreshed (callers refresh once per question, not once per council)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
        f = filters or Filters()
        allowed = self.allowed_reports(f)
        if not allowed:
            return []
        if len(allowed) == len(self.reports):
            allowed_arg = None
        else:
            allowed_arg = allowed
        depth = max(50, k * 5)
        fused: dict[str, float] = {}
        if mode in ("hybrid", "dense"):
            for rank, (pid, _s) in enumerate(self._dense(text, depth, allowed_arg)):
                fused[pid] = fused.get(pid, 0.0) + WEIGHTS["dense"] / (RRF_K + rank + 1)
        if mode in ("hybrid", "bm25"):
            for rank, (pid, _s) in enumerate(self._bm25(text, depth, allowed_arg)):
                fused[pid] = fused.get(pid, 0.0) + WEIGHTS["bm25"] / (RRF_K + rank + 1)
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])
        rows = self.store.get_paragraphs([pid for pid, _ in ranked[: depth]])
        if mode == "hybrid" and intent in ("judgements", "judgement reasons"):
            ranked = self._lift_grades(ranked, rows, reasons=intent == "judgement reasons")
        out: list[Evidence] = []
        seen: set[tuple[str, str]] = set()
        for pid, score in ranked:
            if pid not in rows:
                continue
            doc, meta = rows[pid]
            rep = self.reports.get(meta["report_id"])
            if rep is None:
                continue
            key = (rep.get("council", ""), _norm_text(doc)[:300])
            if key in seen:
                continue
            seen.add(key)
            out.append(self._evidence(doc, meta, rep, score))
            if len(out) >= k:
                break
        return out

    def _lift_grades(self, ranked: list[tuple[str, float]], rows: dict[str, tuple[str, dict]],
                     reasons: bool = False) -> list[tuple[str, float]]:
        """For a question about how a council was judged, lift the paragraphs that state a grade ("services for care
        leavers are good"). A question asking why wants the grade with its reasons: a graded heading kept as a
        paragraph ("The experiences and progress of ... is inadequate") or the front page's table of grades states the
        grade and nothing else, so then it goes below the paragraphs that give reasons instead. (Lifting paragraphs whose heading matches the topic
        was measured too and did not help: BM25 already reads each paragraph's heading.)"""
        out = []
        for pid, score in ranked:
            row = rows.get(pid)
            if row is not None and reasons and _bare_grade(*row):
                score -= GRADE_BOOST
            elif row is not None and _GRADE_WORDS.search(row[0]):
                score += GRADE_BOOST
            out.append((pid, score))
        out.sort(key=lambda kv: -kv[1])
        return out

    def _evidence(self, doc: str, meta: dict[str, Any], rep: dict[str, Any], score: float) -> Evidence:
        number = meta.get("number") or None
        page = int(meta.get("page") or 1)
        part = meta.get("part") or "main"
        cite = citation(council=rep["council"], kind=rep["kind"], title=rep.get("title") or "",
                        published=rep.get("published"), paragraph=number, page=page,
                        committee=rep.get("committee"), part=part)
        top = meta.get("top")
        bottom = meta.get("bottom")
        return Evidence(report_id=rep["report_id"], council=rep["council"], title=rep.get("title") or "",
                        kind=rep["kind"], published=rep.get("published"), paragraph=number, part=part,
                        section=meta.get("section") or "", page=page, text=doc, score=round(float(score), 6),
                        citation=cite, grade=meta.get("grade") or None, source=rep.get("source") or "",
                        top=top if isinstance(top, (int, float)) and top >= 0 else None,
                        bottom=bottom if isinstance(bottom, (int, float)) and bottom >= 0 else None,
                        stance=stance(doc, meta.get("section"), part))

    # ---- recommendations and judgements that go with an answer ----------------------------------------------------
    def related_recommendations(self, text: str, allowed: set[str] | None, n: int = 5,
                                min_similarity: float = 0.35) -> list[dict[str, Any]]:
        if allowed is not None and not allowed:
            return []
        vec = self.embedder.embed_query(text)
        if vectors.exact_for(self._rec_vectors, allowed):
            near = self._rec_vectors.top(vec, n, allowed)
            got = self.store.recs.get(ids=[pid for pid, _ in near], include=["metadatas"]) if near else \
                {"ids": [], "metadatas": []}  # (Chroma refuses a get of no ids)
            meta_of = dict(zip(got["ids"], got["metadatas"]))
            hits = [(pid, sim, meta_of[pid]["text"], meta_of[pid]) for pid, sim in near if pid in meta_of]
        else:
            hits = self.store.dense(RECOMMENDATIONS, vec, n, allowed)
        return [recommendation_json(meta, doc, self.reports.get(meta["report_id"]), sim)
                for _pid, sim, doc, meta in hits if sim >= min_similarity and meta["report_id"] in self.reports]

    def judgements_for(self, report_ids: list[str]) -> list[dict[str, Any]]:
        out = []
        for rid in report_ids:
            rep = self.reports.get(rid)
            if not rep:
                continue
            for j in rep.get("judgements") or []:
                out.append({"report_id": rid, "council": rep["council"], "published": rep.get("published"),
                            "area": j["area"], "grade": j["grade"], "score": j.get("score")})
        return out

    def _soften_years(self, f: Filters) -> Filters:
        """A "2013 inspection" is often published in 2014: when the years asked for hold no report of the councils
        asked about, allow the following year, then any year, rather than answer nothing."""
        if not (f.year_from or f.year_to) or self.allowed_reports(f):
            return f
        wider = Filters(**{**f.__dict__, "year_to": (f.year_to + 1) if f.year_to else None})
        if self.allowed_reports(wider):
            return wider
        return Filters(**{**f.__dict__, "year_from": None, "year_to": None})

    def _search_councils(self, text: str, f: Filters, k: int, mode: str, intent: str | None) -> list[Evidence]:
        """With several councils named, each gets its own search and the lists are interleaved, so one council's
        many strong paragraphs cannot crowd out another's."""
        if len(f.councils) < 2:
            return self._rank(text, f, k, mode, intent)
        lists = [self._rank(text, Filters(**{**f.__dict__, "councils": [c]}), k, mode, intent) for c in f.councils]
        out: list[Evidence] = []
        for rank in range(k):
            for lst in lists:
                if rank < len(lst) and len(out) < k:
                    out.append(lst[rank])
        return out

    def relevant_judgements(self, text: str, report_ids: list[str]) -> list[dict[str, Any]]:
        """Per report, the judgements whose area shares words with the question, else its overall effectiveness:
        the grade that frames the quoted paragraphs, not the whole table."""
        want = set(lexical.tokenize(text)) - {"children", "child", "young", "peopl", "servic", "inspect", "local", "author"}
        out: list[dict[str, Any]] = []
        for rid in report_ids:
            rows = self.judgements_for([rid])
            scored = [(len(want & set(lexical.tokenize(j["area"].split(" > ")[-1]))), j) for j in rows]
            best = max((n for n, _ in scored), default=0)
            if best > 0:
                out += [j for n, j in scored if n == best]
            else:
                out += [j for _, j in scored if "overall" in j["area"].lower()][:2]
        return out

    # ---- the question ----------------------------------------------------------------------------------------------
    def ask(self, question: str, councils: list[str] | None = None, k: int = 10, mode: str = "hybrid",
            previous: Query | None = None, filters: Filters | None = None) -> AskResult:
        """Answer a question; a store that cannot be reached raises StoreError with a plain message."""
        self.store.ensure()
        try:
            return self._ask(question, councils, k, mode, previous, filters)
        except (StoreError, ValueError):
            raise
        except Exception as e:
            if self.store.server or "chroma" in type(e).__module__.lower():
                self._stamp = self._marker = None
                raise self.store.lost(e) from None
            raise

    def _ask(self, question: str, councils: list[str] | None, k: int, mode: str, previous: Query | None,
             filters: Filters | None) -> AskResult:
        t = time.perf_counter()
        self.refresh()
        notices: list[str] = []
        if len(question) > MAX_QUESTION_CHARS:
            notices.append(f"Only the first {MAX_QUESTION_CHARS:,} of the question's {len(question):,} characters "
                           "were read: ask the rest as another question.")
        q = understand(question[:MAX_QUESTION_CHARS], councils=councils or None, previous=previous,
                       known_councils=self.councils())
        f = filters or Filters.from_query(q)
        if filters is not None and q.councils and not filters.councils:
            f.councils = list(q.councils)
        message = ""
        missing = [c for c in f.councils if c not in self.councils()]
        if missing:
            message = (f"No indexed report for {', '.join(missing)}. Index its reports with `inspections ingest`, "
                       "or ask about another council.")
        corrected = getattr(q, "corrected", None) or {}
        if corrected:
            note = "; ".join(f"read '{typed}' as {name}" for typed, name in corrected.items())
            message = (message + " " if message else "") + note[0].upper() + note[1:] + "."
        text = q.text or question
        f = self._soften_years(f)
        if not lexical.tokenize(text[:2000]):
            message = message or ("There is nothing to search for in that question: ask in words, e.g. "
                                  "\"what did inspectors say about care leavers' accommodation?\"")
            text = ""
        unknown = self._unknown_places(q, f)
        if unknown:
            names = " or ".join(f"'{p}'" for p in unknown)
            notices.append(f"No council called {names} is known, so nothing is answered for it: name an English "
                           "council, or ask without a place to search every council.")
            text = ""
        if text and is_grade_list(q):  # "which councils were judged outstanding for care leavers?"
            return self._grade_answer(question, q, k, notices, message, t)
        evidence = self._evidence_for(q, text[:MAX_QUESTION_CHARS], f, k, mode) if text.strip() else []
        answer = extractive_answer(q, evidence)
        if not answer.found:
            evidence = []  # "no answer" is one state: no cards (and so no download) beside "nothing answers this"
        allowed = self.allowed_reports(f) if (f.councils or f.latest or f.year_from or f.year_to or f.kind) else None
        recs = self.related_recommendations(text, allowed) if answer.found else []
        top_reports = list(dict.fromkeys(e.report_id for e in evidence[:3]))
        judgements = self.relevant_judgements(" ".join(q.topic_terms) or text, top_reports) if evidence else []
        if not self.reports:
            message = "The index is empty: run `inspections ingest PATH...` to add reports."
        return AskResult(question=question, query=q, answer=answer, evidence=evidence, recommendations=recs,
                         judgements=judgements, timing_ms=(time.perf_counter() - t) * 1000, message=message,
                         notices=notices)

    def _grade_answer(self, question: str, q: Query, k: int, notices: list[str], message: str,
                      t: float) -> AskResult:
        """A list of councils with their latest grade for the area asked, each cited; the cards are the judgement
        tables of the reports listed."""
        listing = councils_by_grade(self, q)
        rows = listing["councils"]
        where = f" in the {listing['region']}" if listing.get("region") else ""
        grade = (listing["grade"] or "").lower()
        if not rows:
            text = (f"No council{where} has a latest inspection that judged {listing['area']} {grade} "
                    f"({listing['considered']} councils with judgements looked at).")
            return AskResult(question=question, query=q, answer=Answer(text, [], [], False), evidence=[],
                             recommendations=[], judgements=[], timing_ms=(time.perf_counter() - t) * 1000,
                             message=message, notices=notices)
        evidence: list[Evidence] = []
        for r in rows[:max(k, 1)]:
            paras = self.store.paragraphs_of(r["report_id"])
            table = next((p for p in paras if (p.get("section") or "").split(" > ")[-1].strip() == "Judgements"),
                         None) or (paras[0] if paras else None)
            if table is not None:
                evidence.append(self.evidence(table["text"], table, 1.0))
        marker = {e.report_id: i + 1 for i, e in enumerate(evidence)}
        lines = [f"{len(rows)} of {listing['considered']} councils{where} were judged \u201c{grade}\u201d for "
                 f"{listing['area']} at their latest inspection:"]
        for r in rows:
            ref = f" [{marker[r['report_id']]}]" if r["report_id"] in marker else ""
            lines.append(f"- {r['council']}: {r['grade']} ({r['area']}; {r['citation']}){ref}")
        answer = Answer("\n".join(lines), [], [r["council"] for r in rows], True)
        return AskResult(question=question, query=q, answer=answer, evidence=evidence, recommendations=[],
                         judgements=[{k_: r[k_] for k_ in ("report_id", "council", "published", "area", "grade")}
                                     for r in rows],
                         timing_ms=(time.perf_counter() - t) * 1000, message=message, notices=notices)

    # ---- what an answer shows first -------------------------------------------------------------------------------
    def latest_reports(self) -> set[str]:
        """Each council's latest Ofsted report (inspection or visit) and latest council report: its current
        position. Anything else is an earlier report, shown as such. (Worked out once per state of the library.)"""
        if self._latest is not None:
            return self._latest
        best: dict[tuple[str, bool], dict[str, Any]] = {}
        for r in self.reports.values():
            key = (r.get("council") or "", r.get("kind") == "council_report")
            cur = best.get(key)
            if cur is None or (r.get("published") or "") > (cur.get("published") or ""):
                best[key] = r
        self._latest = {r["report_id"] for r in best.values()}
        return self._latest

    def _evidence_for(self, q: Query, text: str, f: Filters, k: int, mode: str) -> list[Evidence]:
        """The evidence cards of a question, in the order an officer should read them: paragraphs of the stance
        asked for ("praised for": strengths, then mixed; never a concern), and unless the question names a year or
        asks for history, each council's latest report before its earlier ones (which are marked `earlier`)."""
        current_first = not (q.years or q.history or f.year_from or f.year_to or f.latest)
        deep = k * 3 if (q.stance or current_first) else k
        intent = "judgement reasons" if q.intent == "judgements" and q.reasons else q.intent
        evidence = self._search_councils(text, f, deep, mode, intent)
        latest = self.latest_reports()
        for e in evidence:
            e.earlier = e.report_id not in latest and e.kind != "council_report"
        if q.stance in ("strength", "concern"):
            rank = {q.stance: 0, "mixed": 1, "neutral": 2}
            evidence = [e for e in evidence[:2 * k] if e.stance in rank]
            evidence.sort(key=lambda e: (rank[e.stance], e.earlier and current_first))
        elif current_first:
            evidence = self._current_first(evidence, k)
        return evidence[:k]

    @staticmethod
    def _current_first(ranked: list[Evidence], k: int, per_council: int = 2) -> list[Evidence]:
        """Each council's latest Ofsted report leads. The best k stay the pool; a council whose latest report has
        nothing in it gains up to `per_council` of that report's paragraphs from the next k (its current position
        on the topic, e.g. "caseloads are manageable" in 2024 below three 2017 paragraphs); then the latest
        reports' paragraphs come first, each group in search order."""
        pool = list(ranked[:k])
        current = {e.council for e in pool if e.kind != "council_report" and not e.earlier}
        gained: dict[str, int] = {}
        for e in ranked[k:2 * k]:
            if e.kind == "council_report" or e.earlier or e.council in current:
                continue
            if any(p.council == e.council for p in pool) and gained.get(e.council, 0) < per_council:
                gained[e.council] = gained.get(e.council, 0) + 1
                pool.append(e)
        # a latest-report paragraph leads only when it matches the question about as well as the best one does: a
        # weak match from the latest report placed first would bury the paragraph that answers (a 2022 paragraph on
        # care leavers' education above the 2017 one on out-of-hours cover that was asked about)
        floor = LEAD_FLOOR * max((e.score for e in pool), default=0.0)
        lead = [e for e in pool if e.kind != "council_report" and not e.earlier and e.score >= floor]
        weak_gained = [e for e in pool[k:] if e not in lead]
        rest = [e for e in pool if e not in lead and e not in weak_gained]
        # a council's current position still shows within the first k, in the last places rather than the first
        at = max(len(lead), k - len(weak_gained))
        return lead + rest[:at - len(lead)] + weak_gained + rest[at - len(lead):]

    def _unknown_places(self, q: Query, f: Filters) -> list[str]:
        """Place-like words of the question ("care leavers in Atlantis") that are neither a council nor a word any
        indexed report uses: answering them from elsewhere would dress another council's text as the answer."""
        if f.councils or not getattr(q, "unknown_places", None) or self._lexical is None:
            return []
        vocab = getattr(self._lexical.model, "vocab_dict", {}) or {}
        return [p for p in q.unknown_places if not any(t in vocab for t in lexical.tokenize(p))]


def recommendation_json(meta: dict[str, Any], text: str, rep: dict[str, Any] | None,
                        similarity: float | None = None) -> dict[str, Any]:
    rep = rep or {}
    page = meta.get("page")
    number = meta.get("number") or None
    d = {"report_id": meta["report_id"], "council": meta.get("council"), "published": meta.get("published") or None,
         "text": text, "number": number, "timescale": meta.get("timescale") or None,
         "owner": meta.get("owner") or None, "group": meta.get("group") or None,
         "paragraph": meta.get("paragraph") or None, "page": page if isinstance(page, int) and page > 0 else None,
         "kind": meta.get("rec_kind") or "recommendation"}
    if rep:
        d["citation"] = citation(council=rep["council"], kind=rep["kind"], title=rep.get("title") or "",
                                 published=rep.get("published"), paragraph=d["paragraph"], page=d["page"],
                                 committee=rep.get("committee"))
    if similarity is not None:
        d["score"] = round(float(similarity), 4)
    return d
