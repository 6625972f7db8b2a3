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
    stance: str | None = None  # the evidence kept: only findings of this stance (None: every finding)

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
                "summary": self.summary(), "evidence_stance": self.stance}


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


def _evidence(searcher, rep: dict[str, Any], text: str, rec_texts: set[str], k: int,
              stance: str | None = None) -> list[Evidence]:
    """The report's body paragraphs that describe the weakness a recommendation names, best first: a hybrid search
    for the recommendation's words within that report, leaving out the recommendation lists themselves (and the
    grade table), numbered paragraphs first and, among them, those that state a concern ahead of those that only
    praise or describe. With a `stance`, only the paragraphs that say so (retrieval/stance.keep_stance: strengths
    or concerns first, then mixed ones), searched deeper since fewer are kept."""
    from retrieval.search import Filters
    from retrieval.stance import keep_stance

    hits = searcher.search(text, Filters(report_ids=[rep["report_id"]]), k=(k * 4 + 8) * (2 if stance else 1))
    keep: list[tuple[int, int, int, Evidence]] = []
    for rank, e in enumerate(hits):
        body = _norm(e.text)
        last = (e.section or "").split(">")[-1].strip()
        if not e.paragraph and not e.section and e.part == "main" and len(body) < 80:
            continue
        if body in rec_texts or any(r and r in body for r in rec_texts if len(r) > 40) or _LIST_SECTION.search(last):
            continue
        if e.section.strip().lower() == "judgements" or len(body) < 60:
            continue
        keep.append((0 if e.paragraph else 1, 0 if e.stance in ("concern", "mixed") else 1, rank, e))
    keep.sort(key=lambda t: t[:3])  # numbered findings (what officers quote) first, concerns before the rest
    return [t[3] for t in keep_stance(keep, stance, of=lambda t: t[3].stance)[:k]]


# ---- raised before: the same point made by an earlier report --------------------------------------------------------
# Areas of practice a recommendation can be about, as inspectors name them. Two recommendations make the same point
# when their subjects (what they say must improve, without the purpose clause: "assessments ... so that they inform
# plans" is about assessments, not plans) name an area in common, the model finds the two texts close enough, and
# neither is about a focus (ethnicity and culture, disability, domestic abuse ...) the other never mentions.
AREAS: dict[str, str] = {
    "assessment": r"(?<!health )(?<!health and )(?<!needs )\bassess(?:ment|ments|ing)\b(?! of (?:need|risk) for (?:adoption|foster))",
    "plans": r"(?<!pathway )(?<!education )(?<!safety )\bplans?\b|(?<!pathway )(?<!transition )(?<!permanence )\bplanning\b",
    "pathway": r"\bpathway plan",
    "transition": r"\btransition planning\b|\bplanning for (?:their )?transition",
    "pep": r"\bpersonal education plans?\b|\bpeps?\b|\bpep['’]s\b",
    "supervision": r"\bsupervision\b",
    "oversight": r"\boversight\b|\bmanage(?:ment|rial|rs?)\b[^.;]{0,40}\b(?:decision|direction|scrutiny|grip)",
    "quality_assurance": r"\bquality assurance\b|\baudit(?:s|ing)?\b|\bperformance (?:data|information|management|"
                         r"monitoring|reporting)\b|\bperformance and quality\b",
    "risk": r"\b(?:identif\w+|recogni\w+|response to|respond to|understanding of|analysis of)\s+(?:of\s+)?"
            r"(?:and (?:the )?response to\s+)?risks?\b|\brisk assessments?\b|\bassessments? of risk",
    "return_home": r"\breturn(?:[- ]home)? (?:home )?interviews?\b",
    "missing": r"\bmissing from (?:home|care|education)\b|\bgo(?:es)? missing\b|\bmissing children\b",
    "exploitation": r"\bexploit(?:ation|ed)\b|\bcse\b|\bcce\b|\bcounty lines\b",
    "education": r"\bvirtual school\b|\beducation(?:al)? (?:attainment|outcomes|progress|support)\b|\battendance\b|"
                 r"\bexclu(?:sion|ded)\b|\bschool\b",
    "health": r"\bhealth (?:assessments?|needs|histor\w*)\b|\bemotional (?:and|&) mental health\b|\bcamhs\b|"
              r"\bmental health\b|\bdent(?:al|istry)\b",
    "homeless": r"\bhomeless",
    "lado": r"\blado\b|\bdesignated officer\b|\ballegations? (?:of [a-z ]{0,20})?against\b|\ballegations of "
            r"professional",
    "private_fostering": r"\bprivate(?:ly)? fost",
    "early_help": r"\bearly help\b",
    "front_door": r"\bfront door\b|\bmash\b|\bcontacts\b|\breferrals?\b|\bthresholds?\b|\bfirst response\b",
    "strategy": r"\bstrategy (?:meetings?|discussions?)\b",
    "s47": r"\bsection 47\b|\bs47\b|\bchild protection enquir",
    "cp_meetings": r"\bchild protection conferences?\b|\bcore groups?\b|\bmulti-?agency (?:meetings|child protection|"
                   r"work)\b|\bchild in need reviews\b",
    "pre_proceedings": r"\bpre-? ?proceedings\b|\bpublic law outline\b|\bplo\b|\bletters? before\b|"
                       r"\bcare proceedings\b",
    "permanence": r"\bpermanen(?:ce|t)\b|\badopt(?:ion|ive|ers?)\b|\bspecial guardian|\blong-?term foster",
    "sufficiency": r"\bsufficiency\b|\bsufficient (?:suitable )?(?:placements|homes|accommodation)\b|"
                   r"\bplacements? (?:choice|options|sufficiency)\b|\bunregistered\b|\bunregulated\b|"
                   r"\bfostering capacity\b|\bplacement choice\b|\brecruit(?:ment|ing)?\b[^.;]{0,60}\bfoster carers\b",
    "residential": r"\bresidential\b|\bchildren['’]s homes\b",
    "foster_carers": r"\bfoster(?:ing)? carers?\b|(?<!private )(?<!privately )\bfostering (?:service|households|"
                     r"capacity)",
    "connected_carers": r"\bconnected (?:persons?|carers?)\b|\bkinship\b|\bfamily and friends\b|\bregulation 24\b",
    "accommodation": r"\baccommodation\b|\bhousing\b|\bbed and breakfast\b",
    "employment": r"\bemployment\b|\bneet\b|\bapprenticeship|\bcareers?\b",
    "iro": r"\biros?\b|\bindependent reviewing\b|\b(?:child protection|conference) chairs?\b",
    "voice": r"\bvoices?\b|\bwishes and feelings\b|\bparticipat\w+|\bdirect work\b|\binfluence\b",
    "advocacy": r"\badvoca(?:cy|tes?)\b|\bindependent visitors?\b",
    "identity": r"\bidentity\b|\bethnic|\bcultur(?:e|al)\b|\bdiversity\b|\bdiverse needs\b|\breligio",
    "life_story": r"\blife[- ]?story\b|\blife histor|\bunderstand (?:their|the) (?:life )?histor",
    "disabled": r"\bdisab(?:led|ility|ilities)\b",
    "workforce": r"\bworkforce\b|\bcaseloads?\b|\bsocial work capacity\b|\bsufficient capacity\b|"
                 r"\bchanges? of social worker|\bstaffing\b|\brecruit|\bretention\b|\bagency (?:staff|workers)\b|"
                 r"\bturnover\b|\ballocation of cases\b",
    "recording": r"\brecord(?:s|ing)\b|\bcase (?:files?|notes)\b|\bchronolog|\bwritten records?\b",
    "domestic_abuse": r"\bdomestic (?:abuse|violence)\b",
    "neglect": r"\bneglect\b",
    "out_of_hours": r"\bout[- ]of[- ]hours\b|\bemergency duty\b|\boutside (?:of )?(?:normal )?office hours\b",
    "corporate_parenting": r"\bcorporate parent",
    "family_time": r"\bfamily time\b|\bcontact with (?:their )?(?:birth )?famil|\bsiblings?\b",
    "young_carers": r"\byoung carers?\b",
    "youth_justice": r"\byouth (?:justice|offending)\b|\bcustody\b",
    "visits": r"\bvisits?\b(?! to (?:children['’]s homes|schools))|\bvisiting\b",
    "care_leavers": r"\bcare leavers?\b|\bleaving care\b|\bcare[- ]experienced\b",
    "care_leaver_support": r"\bpersonal advis|\bleaving care (?:service|support)\b|\bcare leaving support\b|"
                           r"\blocal offer\b|\bentitlements\b",
}
# Who a recommendation is about, not what must improve: never enough on its own to say two make the same point.
POPULATIONS = {"disabled", "care_leavers"}
# A point about one of these is a different point from one that never mentions it ("assessments that consider
# culture and ethnicity" is not "the quality of assessments").
FOCUS = {"identity", "disabled", "domestic_abuse", "neglect", "health", "exploitation", "missing", "private_fostering",
         "homeless", "lado", "young_carers", "youth_justice", "out_of_hours", "advocacy",
         "corporate_parenting", "residential", "employment", "education"}
# A subject about the record of something is about recording, whatever is recorded.
META = {"recording"}
_AREA_RX = {k: re.compile(v, re.I) for k, v in AREAS.items()}
_LEAD_IN = re.compile(r"^\W*(?:\d+[.)]\s*)?(?:(?:the|all)?\s*[\w ,'’-]{0,60}?\b(?:should|must|needs? to)\s+)?"
                      r"(?:(?:urgently|further|continue to|take action to|continue)\s+)?(?:(?:accelerate|expedite|progress|"
                      r"develop|deliver) plans to\s+)?(?:ensure|improve|strengthen|"
                      r"develop|increase|review|address|make sure|embed|establish|implement|prioriti[sz]e|monitor|"
                      r"reduce|enhance|expedite|identify|undertake)?\s*(?:and (?:improve|increase|then increase)\s+)?"
                      r"(?:that\s+)?", re.I)
_PURPOSE = re.compile(r"\b(?:so that|so they|so this|so children|in order to|to ensure|to make sure|to inform|that "
                      r"informs?|which informs?|to support|to help|to enable|to improve|to promote|to reduce|to "
                      r"identify|to provide|to meet|to drive|in driving|to gain|to achieve|to offer|and that they|"
                      r"ensuring that|resulting in|leading to|because|in (?:progressing|driving|moving|supporting|helping|"
                      r"ensuring|achieving|improving|reducing|addressing))\b|[;:]", re.I)


def sentences_of(text: str) -> list[str]:
    return [x for x in re.split(r"(?<=[.!?])\s+(?=[A-Z])", (text or "").strip()) if x.strip()]


def subject(sentence: str) -> str:
    """What a recommendation's sentence says must improve: its words before the purpose clause ("so that ...",
    "to ensure ..."), without the lead-in ("Ensure that", "The virtual school should improve")."""
    s = _LEAD_IN.sub("", (sentence or "").strip(), count=1)
    m = _PURPOSE.search(s, 12)
    return s[:m.start()] if m else s


def areas(text: str) -> set[str]:
    return {k for k, rx in _AREA_RX.items() if rx.search(text or "")}


_TAIL = re.compile(r"\b(?:including|in particular|particularly|such as|especially|for example|as well as)\b", re.I)


def _heads(text: str) -> list[tuple[str, str]]:
    """Each sentence's subject, and its head (the subject before "including ...", "particularly ...")."""
    out = []
    for sent in sentences_of(text) or [text]:
        subj = subject(sent)
        out.append((subj, _TAIL.split(subj)[0]))
    return out


def primary_areas(text: str) -> set[str]:
    """The areas of practice a recommendation is about: those its sentences' subjects name (all it names when the
    subjects name none); a subject whose head is about the record of things is about recording alone."""
    out: set[str] = set()
    for subj, head in _heads(text):
        got = areas(subj)
        meta = areas(head) & META
        if meta and not (areas(head) - META - POPULATIONS):
            got = meta
        out |= got
    return out or areas(text)


def head_focus(text: str) -> tuple[set[str], set[str]]:
    """The focuses ("assessments that consider ethnicity") and the only groups of children ("care leavers get
    timely support") a recommendation's heads name: a recommendation headed by one of them is about that."""
    focus: set[str] = set()
    groups: set[str] = set()
    for _subj, head in _heads(text):
        got = areas(head)
        focus |= got & FOCUS
        if not re.search(r"\bchild(?:ren)?\b|\byoung people\b", head, re.I):
            groups |= got & POPULATIONS
    return focus, groups


_BOARD = re.compile(r"\b(?:lscb|[a-z]{0,4}scb|safeguarding children(?:'s)? board|board|safeguarding partnership)\b", re.I)


def _to_board(rec: dict[str, Any]) -> bool:
    """Whether a recommendation is addressed to the safeguarding board (its review), not to the council."""
    return bool(_BOARD.search(rec.get("owner") or "")) or bool(re.search(r"\blscb\b", rec.get("part") or "", re.I))


@dataclass
class Link:
    latest: int
    earlier: int
    similarity: float


# Thresholds (bench/plan_check.py --texts --sweep on bench/labels/recurrence_own.jsonl): a pair needs SIM_AREA with
# an area of practice in common, or SIM_ALONE without one.
SIM_AREA = 0.35
SIM_ALONE = 0.80


def same_point(a: str, b: str, similarity: float) -> bool:
    """Whether two recommendations make the same point (see AREAS): an area of practice in common in their
    subjects, the model's similarity above SIM_AREA (or above SIM_ALONE whatever the areas), and neither headed by a
    focus or group of children the other never mentions."""
    if similarity >= SIM_ALONE:
        return True
    if similarity < SIM_AREA:
        return False
    if not (primary_areas(a) & primary_areas(b)) - POPULATIONS:
        return False
    for x, y in ((a, b), (b, a)):
        whole = areas(y)
        focus, groups = head_focus(x)
        if (focus and not focus & whole) or (groups and not groups & whole):
            return False
    return True


def recurrence(latest: list[dict[str, Any]], earlier: list[dict[str, Any]], latest_vecs: np.ndarray,
               earlier_vecs: np.ndarray) -> list[Link]:
    """Which earlier recommendations make the same point as each latest one (`same_point`). Recommendations to a
    safeguarding board are compared only with the board's."""
    if not latest or not earlier:
        return []
    sims = latest_vecs @ earlier_vecs.T
    out = []
    for i, a in enumerate(latest):
        for j, b in enumerate(earlier):
            if _to_board(a) != _to_board(b):
                continue
            s = float(sims[i, j])
            if same_point(a["text"], b["text"], s):
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
def _copies_of(rep: dict[str, Any], rows: list[dict[str, Any]], earlier_reps: list[dict[str, Any]],
               earlier: list[dict[str, Any]]) -> set[str]:
    """Earlier reports that are another copy of this one (published within a month, most recommendations word for
    word the same): a report never "raised before" its own recommendations."""
    from datetime import date as _date

    def day(r: dict[str, Any]) -> _date | None:
        try:
            return _date.fromisoformat((r.get("published") or "")[:10])
        except ValueError:
            return None

    mine = {_norm(r["text"]) for r in rows}
    here = day(rep)
    out = set()
    for er in earlier_reps:
        d = day(er)
        if here is None or d is None or abs((here - d).days) > 31:
            continue
        theirs = {_norm(r["text"]) for r in earlier if r["report_id"] == er["report_id"]}
        if mine and theirs and len(mine & theirs) >= 0.5 * min(len(mine), len(theirs)):
            out.add(er["report_id"])
    return out


def action_plan(searcher, council: str, report_id: str | None = None, *, store: userstore.UserStore | None = None,
                evidence: int = EVIDENCE_PER_ITEM, stance: str | None = None) -> Plan:
    """The action plan for one of a council's reports (default: its latest full inspection): one item per
    recommendation in the report's order, with due dates, evidence, earlier recommendations that made the same
    point, and the tracking saved in the user store (the index folder's, unless `store` is given). With a `stance`
    the evidence is only the findings that say so ("concern": the shortfalls behind each recommendation;
    "strength": what the report found working in the same area).

    `council` is resolved as users type it (retrieval/councils.py); PlanError when it has no report to plan from,
    ValueError for an unknown stance."""
    from retrieval.councils import UnknownCouncil, resolve_name
    from retrieval.search import recommendation_json
    from retrieval.stance import keep_stance

    keep_stance([], stance)  # an unknown stance is a ValueError naming the choices, before any work

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
    copies = _copies_of(rep, rows, earlier_reps, earlier)
    earlier = [r for r in earlier if r["report_id"] not in copies]
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
                              evidence=(_evidence(searcher, rep, r["text"], rec_texts, evidence, stance)
                                        if evidence else []),
                              raised_before=before))
    st = store if store is not None else userstore.open_store(searcher.store.index_dir)
    for it, t in zip(items, userstore.load_tracking(st, [it.key for it in items])):
        it.tracking = t
    return Plan(council=name, report=_report_json(rep), items=items, reports=[_report_json(r) for r in reps],
                stance=stance)
