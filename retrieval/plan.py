"""Action plans: one report's recommendations as the plan a council tracks and reports on to its committees.

After an inspection a council answers every recommendation with an action plan and reports progress on it for
years; officers copy the recommendations out of the PDF by hand. Here each recommendation becomes an item, in the
report's order, carrying what the report itself says (the text verbatim, its number, group, timescale and the date
that falls due, the agency that must act, a citation), the findings in the same report that led to it (evidence),
the earlier reports' recommendations that made the same point (raised before: scrutiny members ask this first), and
what the council fills in (lead, status, RAG, dated notes, evidence of impact, from retrieval/userstore.py).

"Raised before" must be strict: the same area of practice and the same kind of weakness, not a shared word. Two
recommendations are linked when the embedding model finds them close *and* they name the same area of practice as
their subject (see `recurrence`); the thresholds were chosen on our own labels (bench/labels/recurrence_own.jsonl,
bench/plan_check.py) and checked on ../shared/eval/recurrence.jsonl.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from ingest.models import Evidence
from retrieval import userstore
from retrieval.citation import citation
from retrieval.timescale import due_date

EVIDENCE_PER_ITEM = 3
EARLIER_KINDS = ("ofsted_inspection", "ofsted_visit")  # council reports quote Ofsted's recommendations: not a source


class PlanError(ValueError):
    """No plan can be made (no such council indexed, no such report); the message says what to do."""


@dataclass
class EarlierRecommendation:
    """A recommendation of an earlier report that made the same point."""

    report_id: str
    published: str | None
    text: str
    number: str | None
    citation: str
    kind: str = "ofsted_inspection"
    similarity: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "published": self.published, "text": self.text, "number": self.number,
                "citation": self.citation, "kind": self.kind, "similarity": round(self.similarity, 3)}


@dataclass
class PlanItem:
    text: str
    number: str | None
    group: str | None
    timescale: str | None
    due: date | None
    owner: str | None
    citation: str
    paragraph: str | None
    page: int | None
    key: userstore.ItemKey
    evidence: list[Evidence] = field(default_factory=list)
    raised_before: list[EarlierRecommendation] = field(default_factory=list)
    tracking: userstore.Tracking = field(default_factory=userstore.Tracking)

    @property
    def overdue(self) -> bool:
        """Past its due date and not done (as of today)."""
        return self.overdue_on(date.today())

    def overdue_on(self, day: date) -> bool:
        return self.due is not None and self.due < day and self.tracking.status != "done"

    def to_json(self) -> dict[str, Any]:
        t = self.tracking
        return {"text": self.text, "number": self.number, "group": self.group, "timescale": self.timescale,
                "due": self.due.isoformat() if self.due else None, "owner": self.owner, "citation": self.citation,
                "paragraph": self.paragraph, "page": self.page, "evidence": [e.to_json() for e in self.evidence],
                "raised_before": [r.to_json() for r in self.raised_before], "lead": t.lead, "status": t.status,
                "rag": t.rag, "notes": [n.to_json() for n in t.notes], "actions": t.actions, "impact": t.impact,
                "overdue": self.overdue, "updated_at": t.updated_at}


@dataclass
class Plan:
    council: str
    report: dict[str, Any]
    items: list[PlanItem]
    reports: list[dict[str, Any]] = field(default_factory=list)  # the council's reports a plan could be made for

    def summary(self, day: date | None = None) -> dict[str, Any]:
        """Progress at a glance, as a committee asks for it: how many done, in progress, overdue, and by RAG."""
        day = day or date.today()
        status = {s: sum(1 for it in self.items if it.tracking.status == s) for s in userstore.STATUSES}
        rag = {r: sum(1 for it in self.items if it.tracking.rag == r) for r in userstore.RAGS}
        rag["not rated"] = sum(1 for it in self.items if not it.tracking.rag)
        return {"items": len(self.items), "status": status, "rag": rag,
                "overdue": sum(1 for it in self.items if it.overdue_on(day)),
                "raised_before": sum(1 for it in self.items if it.raised_before)}

    def to_json(self) -> dict[str, Any]:
        return {"council": self.council, "report": self.report, "items": [it.to_json() for it in self.items],
                "summary": self.summary()}


# ---- which report -------------------------------------------------------------------------------------------------
def _council_reports(searcher, council: str) -> list[dict[str, Any]]:
    reps = [r for r in searcher.reports.values() if (r.get("council") or "").lower() == council.lower()]
    return sorted(reps, key=lambda r: (r.get("published") or "", r["report_id"]))


def _choose_report(reps: list[dict[str, Any]], council: str, report_id: str | None) -> dict[str, Any]:
    if report_id:
        hits = [r for r in reps if r["report_id"].startswith(report_id.strip())]
        if not hits:
            raise PlanError(f"{council} has no indexed report with id {report_id!r}: `inspections reports` lists "
                            "the reports and their ids")
        return hits[0]
    full = [r for r in reps if r.get("kind") == "ofsted_inspection"]
    if not full:
        raise PlanError(f"{council} has no indexed full Ofsted inspection report to make a plan from: choose one "
                        "of its reports with --report ID")
    return full[-1]


def _report_json(rep: dict[str, Any]) -> dict[str, Any]:
    return {k: rep.get(k) for k in ("report_id", "council", "kind", "framework", "title", "published",
                                    "inspection_dates", "source", "pages", "paragraphs")}


def _cite(rep: dict[str, Any], paragraph: str | None, page: int | None) -> str:
    return citation(council=rep["council"], kind=rep["kind"], title=rep.get("title") or "",
                    published=rep.get("published"), paragraph=paragraph, page=page, committee=rep.get("committee"))


def _page(meta: dict[str, Any]) -> int | None:
    p = meta.get("page")
    return p if isinstance(p, int) and p > 0 else None


# ---- evidence: the findings behind a recommendation ----------------------------------------------------------------
_LIST_SECTION = re.compile(r"what needs to improve|need to improve\?|recommendations?$|areas? for (?:improvement|"
                           r"development|priority action)|priority and immediate action|next steps", re.I)


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", (s or "").lower()).strip()


def _evidence(searcher, rep: dict[str, Any], text: str, rec_texts: set[str], k: int) -> list[Evidence]:
    """The report's body paragraphs that describe the weakness a recommendation names, best first: a hybrid search
    for the recommendation's words within that report, leaving out the recommendation lists themselves (and the
    grade table), and putting paragraphs that state a concern ahead of those that only praise or describe."""
    from retrieval.search import Filters
    from retrieval.stance import stance

    hits = searcher.search(text, Filters(report_ids=[rep["report_id"]]), k=k * 4 + 8)
    keep: list[tuple[int, int, Evidence]] = []
    for rank, e in enumerate(hits):
        body = _norm(e.text)
        last = (e.section or "").split(">")[-1].strip()
        if not e.paragraph and not e.section and e.part == "main" and len(body) < 80:
            continue
        if body in rec_texts or any(r and r in body for r in rec_texts if len(r) > 40) or _LIST_SECTION.search(last):
            continue
        if e.section.strip().lower() == "judgements" or len(body) < 60:
            continue
        s = stance(e.text, e.section, e.part)
        keep.append((0 if s in ("concern", "mixed") else 1, rank, e))
    keep.sort(key=lambda t: (t[0], t[1]))
    return [e for _, _, e in keep[:k]]


# ---- raised before: the same point made by an earlier report --------------------------------------------------------
# Areas of practice a recommendation can be about. A recommendation's *subject* (what it says must improve, before
# "so that", "to ensure" ...) names its area; the purpose clause often names another ("assessments ... to inform
# plans") and does not make it a recommendation about plans.
AREAS: dict[str, str] = {
    "assessment": r"\bassess(?:ment|ments|ing)\b(?! of (?:need|risk) for (?:adoption|foster))",
    "plans": r"\b(?:child in need|child protection|care|children'?s|written|individual)?\s*plans?\b(?! ?(?:ning|ned))|"
             r"\bplanning\b",
    "pathway": r"\bpathway plan",
    "pep": r"\bpersonal education plans?\b|\bpeps?\b|\bpep['’]s\b",
    "supervision": r"\bsupervision\b",
    "oversight": r"\bmanage(?:ment|rial|rs?)\b[^.;]{0,40}\b(?:oversight|decision|direction|scrutiny|grip)|"
                 r"\boversight\b",
    "quality_assurance": r"\bquality assurance\b|\baudit(?:s|ing)?\b|\bperformance (?:data|information|management)\b|"
                         r"\blearning from\b",
    "return_home": r"\breturn(?:[- ]home)? (?:home )?interviews?\b",
    "missing": r"\bmissing\b",
    "exploitation": r"\bexploit(?:ation|ed)\b|\bcse\b|\bcce\b|\bcounty lines\b",
    "education": r"\bvirtual school\b|\beducation(?:al)?\b|\bschool\b|\battendance\b|\bexclu(?:sion|ded)\b",
    "health": r"\bhealth assessments?\b|\bhealth (?:needs|histor)|\bemotional (?:and|&) mental health\b|\bcamhs\b|"
              r"\bmental health\b",
    "homeless": r"\bhomeless",
    "lado": r"\blado\b|\bdesignated officer\b|\ballegations? against\b",
    "private_fostering": r"\bprivate(?:ly)? fost",
    "early_help": r"\bearly help\b",
    "front_door": r"\bfront door\b|\bmash\b|\bcontacts?\b|\breferrals?\b|\bthresholds?\b|\bfirst response\b",
    "strategy": r"\bstrategy (?:meetings?|discussions?)\b|\bsection 47\b|\bs47\b|\bchild protection enquir",
    "pre_proceedings": r"\bpre-? ?proceedings\b|\bpublic law outline\b|\bplo\b|\bletters? before\b|\bcare proceedings\b|"
                       r"\bcourt\b",
    "permanence": r"\bpermanen(?:ce|t)\b|\badopt(?:ion|ive|ers?)\b|\bspecial guardian|\blong-?term foster",
    "sufficiency": r"\bsufficiency\b|\bplacements?\b|\bunregistered\b|\bunregulated\b|\bhomes? for children\b",
    "foster_carers": r"\bfoster(?:ing)? carers?\b|\bfostering\b",
    "connected_carers": r"\bconnected (?:persons?|carers?)\b|\bkinship\b|\bfamily and friends\b|\bregulation 24\b",
    "care_leavers": r"\bcare leavers?\b|\bleaving care\b|\bpersonal advis",
    "accommodation": r"\baccommodation\b|\bhousing\b|\bbed and breakfast\b",
    "employment": r"\bemployment\b|\bneet\b|\bapprenticeship|\bcareers?\b",
    "iro": r"\biros?\b|\bindependent reviewing\b|\bchild protection chairs?\b|\bconference chairs?\b|\breviews?\b",
    "voice": r"\bvoice\b|\bwishes and feelings\b|\bviews\b|\bparticipat|\bdirect work\b|\binfluence\b|\bfeedback\b",
    "advocacy": r"\badvoca(?:cy|tes?)\b|\bindependent visitors?\b",
    "identity": r"\bidentity\b|\bethnic|\bcultur(?:e|al)\b|\bdiversity\b|\breligio|\bheritage\b|\blife ?story\b",
    "disabled": r"\bdisab(?:led|ility|ilities)\b|\bsend\b",
    "workforce": r"\bworkforce\b|\bcaseloads?\b|\bsocial workers? (?:stability|turnover)|\bchanges? of social worker|"
                 r"\bstaff(?:ing)?\b|\brecruit|\bretention\b|\bagency (?:staff|workers)\b|\bturnover\b",
    "recording": r"\brecord(?:s|ing|ed)?\b|\bcase (?:files?|notes)\b|\bchronolog",
    "domestic_abuse": r"\bdomestic (?:abuse|violence)\b",
    "neglect": r"\bneglect\b",
    "out_of_hours": r"\bout[- ]of[- ]hours\b|\bemergency duty\b",
    "corporate_parenting": r"\bcorporate parent",
    "partnership": r"\bpartners(?:hip)?\b|\bmulti-?agency\b|\bsafeguarding (?:children )?(?:board|partnership)\b",
    "family_time": r"\bfamily time\b|\bcontact with (?:their )?(?:birth )?famil|\bsiblings?\b",
    "young_carers": r"\byoung carers?\b",
    "youth_justice": r"\byouth (?:justice|offending)\b|\bcustody\b",
    "sixteen_plus": r"\b16[- ]and 17[- ]year[- ]olds?\b|\b16- and 17-year-olds\b|\b16 and 17\b",
}
_AREA_RX = {k: re.compile(v, re.I) for k, v in AREAS.items()}
_LEAD_IN = re.compile(r"^\W*(?:\d+[.)]\s*)?(?:the local authority|leaders|the council|senior managers|managers)?\s*"
                      r"(?:should|must|needs? to)?\s*(?:ensure|improve|strengthen|develop|increase|review|address|"
                      r"make sure|embed|establish|continue to|take action to|implement|prioritise)?\s*(?:that)?\s*",
                      re.I)
_PURPOSE = re.compile(r"\b(?:so that|so they|in order to|to ensure|to make sure|to inform|that informs?|which "
                      r"informs?|to support|to help|to enable|to improve|to promote|to reduce|to identify|and that "
                      r"they|ensuring that|resulting in|leading to)\b|[;:]|\.\s", re.I)


def subject(text: str) -> str:
    """What a recommendation says must improve: its words before the purpose clause ("so that ...", "to ensure
    ..."), without the lead-in ("Ensure that", "The local authority should")."""
    s = _LEAD_IN.sub("", (text or "").strip(), count=1)
    m = _PURPOSE.search(s, 12)
    return s[:m.start()] if m else s


def areas(text: str) -> set[str]:
    return {k for k, rx in _AREA_RX.items() if rx.search(text or "")}


def primary_areas(text: str) -> set[str]:
    """The areas of practice a recommendation is about (those named in its subject; all it names when its subject
    names none)."""
    a = areas(subject(text))
    return a or areas(text)


_BOARD = re.compile(r"\b(?:lscb|[a-z]{0,4}scb|safeguarding children(?:'s)? board|board|safeguarding partnership)\b", re.I)


def _to_board(rec: dict[str, Any]) -> bool:
    """Whether a recommendation is addressed to the safeguarding board (its review), not to the council."""
    return bool(_BOARD.search(rec.get("owner") or "")) or bool(re.search(r"\blscb\b", rec.get("part") or "", re.I))


@dataclass
class Link:
    latest: int
    earlier: int
    similarity: float


# Thresholds (bench/plan_check.py on bench/labels/recurrence_own.jsonl): a pair needs SIM_AREA with a shared
# subject area, or SIM_ALONE without one.
SIM_AREA = 0.55
SIM_ALONE = 0.80


def recurrence(latest: list[dict[str, Any]], earlier: list[dict[str, Any]], latest_vecs: np.ndarray,
               earlier_vecs: np.ndarray) -> list[Link]:
    """Which earlier recommendations make the same point as each latest one: the same area of practice (a subject
    area in common) and the same kind of weakness (the model's similarity of the two texts above a bar); a very
    close pair of texts counts without the area check. Recommendations to a safeguarding board are compared only
    with the board's."""
    if not latest or not earlier:
        return []
    sims = latest_vecs @ earlier_vecs.T
    lp = [primary_areas(r["text"]) for r in latest]
    ep = [primary_areas(r["text"]) for r in earlier]
    out = []
    for i, a in enumerate(latest):
        for j, b in enumerate(earlier):
            if _to_board(a) != _to_board(b):
                continue
            s = float(sims[i, j])
            if s >= SIM_ALONE or (s >= SIM_AREA and lp[i] & ep[j]):
                out.append(Link(i, j, s))
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    if v.ndim == 1:
        v = v[None, :]
    n = np.linalg.norm(v, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return v / n


# ---- the plan ------------------------------------------------------------------------------------------------------
def action_plan(searcher, council: str, report_id: str | None = None, *, store: userstore.UserStore | None = None,
                evidence: int = EVIDENCE_PER_ITEM) -> Plan:
    """The action plan for one of a council's reports (default: its latest full inspection): one item per
    recommendation in the report's order, with due dates, evidence, earlier recommendations that made the same
    point, and the tracking saved in the user store (the index folder's, unless `store` is given).

    `council` is resolved as users type it (retrieval/councils.py); PlanError when it has no report to plan from."""
    from retrieval.councils import UnknownCouncil, resolve_name
    from retrieval.search import recommendation_json

    searcher.refresh()
    try:
        name = resolve_name(council)
    except UnknownCouncil as e:
        raise PlanError(str(e)) from None
    reps = _council_reports(searcher, name)
    if not reps:
        raise PlanError(f"no indexed report for {name}: add its inspection reports with `inspections ingest` (or "
                        "on the Library page)")
    rep = _choose_report(reps, name, report_id)
    rows = [r for r in searcher.store.recommendations([rep["report_id"]]) if r.get("rec_kind") != "council decision"]
    rows.sort(key=lambda r: r["seq"])
    earlier_reps = [r for r in reps if r.get("kind") in EARLIER_KINDS and r["report_id"] != rep["report_id"]
                    and (r.get("published") or "") < (rep.get("published") or "")]
    earlier = searcher.store.recommendations([r["report_id"] for r in earlier_reps]) if earlier_reps else []
    earlier = [r for r in earlier if r.get("rec_kind") != "council decision"]
    links: dict[int, list[Link]] = {}
    if rows and earlier:
        vecs = _unit(searcher.embedder.embed([r["text"] for r in rows + earlier]))
        for ln in recurrence(rows, earlier, vecs[:len(rows)], vecs[len(rows):]):
            links.setdefault(ln.latest, []).append(ln)
    by_id = {r["report_id"]: r for r in reps}
    rec_texts = {_norm(r["text"]) for r in rows}
    items: list[PlanItem] = []
    for i, r in enumerate(rows):
        d = recommendation_json(r, r["text"], rep)
        before = []
        for ln in sorted(links.get(i, []), key=lambda x: (-(x.similarity))):
            e = earlier[ln.earlier]
            erep = by_id[e["report_id"]]
            ed = recommendation_json(e, e["text"], erep)
            before.append(EarlierRecommendation(report_id=e["report_id"], published=erep.get("published"),
                                                text=e["text"], number=ed["number"], citation=ed.get("citation") or "",
                                                kind=erep.get("kind") or "", similarity=ln.similarity))
        before.sort(key=lambda x: (x.published or ""), reverse=True)
        items.append(PlanItem(text=r["text"], number=d["number"], group=d["group"], timescale=d["timescale"],
                              due=due_date(d["timescale"], rep.get("published")), owner=d["owner"],
                              citation=d.get("citation") or _cite(rep, d["paragraph"], d["page"]),
                              paragraph=d["paragraph"], page=d["page"],
                              key=userstore.item_key(name, rep, d["number"], r["text"]),
                              evidence=_evidence(searcher, rep, r["text"], rec_texts, evidence) if evidence else [],
                              raised_before=before))
    st = store if store is not None else userstore.open_store(searcher.store.index_dir)
    for it, t in zip(items, userstore.load_tracking(st, [it.key for it in items])):
        it.tracking = t
    return Plan(council=name, report=_report_json(rep), items=items, reports=[_report_json(r) for r in reps])
