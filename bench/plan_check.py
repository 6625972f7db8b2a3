"""Action plans, measured: "raised before" links against labelled pairs, and the user store under concurrent edits.

    python bench/plan_check.py [LABELS...] [--index DIR]      # plans from the index, scored as score.py scores them
    python bench/plan_check.py --texts [LABELS...] [--sweep]   # the matcher alone on the labelled texts
    python bench/plan_check.py --store [--procs N] [--edits M] # N processes x M edits on one plan: edits lost, time

Default labels: bench/labels/recurrence_own.jsonl (our own, on councils the shared labels do not cover). The index
mode calls retrieval.plan.action_plan as `inspections plan --council C --json` does and applies score.py's own rules
(its norm(), its first-ten-words match, links to the previous report only). The texts mode runs
retrieval.plan.recurrence on the labelled recommendation texts with the real embedding model, so thresholds can be
swept without an index; --sweep prints precision/recall over a grid (choose on our labels, check on the shared).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

from evalkit import ROOT, SHARED, scorer

OWN = ROOT / "bench" / "labels" / "recurrence_own.jsonl"


def load(paths: list[str]) -> list[dict]:
    out = []
    for p in paths:
        out += [json.loads(x) for x in Path(p).read_text(encoding="utf-8").splitlines() if x.strip()]
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ---- the plans from an index, scored with score.py's rules ---------------------------------------------------------
def check_index(labels: list[dict], index: str) -> None:
    from retrieval.plan import PlanError, action_plan
    from retrieval.search import Searcher
    from retrieval.store import Store
    from retrieval.userstore import UserStore

    sc = scorer()
    norm, days = sc.norm, sc.days_apart
    head = lambda s: " ".join(norm(s).split()[:10])  # noqa: E731
    searcher = Searcher(Store(index))
    tmp = tempfile.mkdtemp(prefix="plan-check-")
    store = UserStore(Path(tmp) / "u.sqlite3")  # never write into the index folder being measured
    tp = fp = fn = ok = total = 0
    t0 = time.perf_counter()
    for lab in labels:
        try:
            plan = action_plan(searcher, lab["council"], store=store, evidence=0).to_json()
        except PlanError as e:
            print(f"{lab['council']:22s} no plan: {e}")
            plan = {}
        items = plan.get("items", [])
        if days((plan.get("report") or {}).get("published"), lab["latest"]["published"]) > 31:
            items = []
        latest, prev = lab["latest"]["recommendations"], lab["previous"]["recommendations"]
        match = {}
        for i, text in enumerate(latest):
            j = next((k for k, it in enumerate(items) if head(text) in norm(it.get("text", ""))
                      or head(it.get("text", "")) in norm(text)), None)
            if j is not None:
                match[i] = items[j]
        total += len(latest)
        ok += len(match)
        want = {(x["latest"], x["previous"]) for x in lab["pairs"]}
        got = set()
        for i, it in match.items():
            for rb in it.get("raised_before", []):
                if days(rb.get("published"), lab["previous"]["published"]) > 31:
                    continue
                k = next((k for k, t in enumerate(prev) if head(t) in norm(rb.get("text", ""))
                          or head(rb.get("text", "")) in norm(t)), None)
                got.add((i, k if k is not None else -1))
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
        extra = sorted(got - want)
        missed = sorted(want - got)
        print(f"{lab['council']:22s} items {len(match)}/{len(latest)} labelled={len(want)} found={len(got)} "
              f"right={len(want & got)}" + (f" wrong={extra}" if extra else "") + (f" missed={missed}" if missed else ""))
    p, r, f = prf(tp, fp, fn)
    print(f"plan items {ok}/{total} = {ok / total if total else 0:.3f}; raised_before precision={p:.3f} recall={r:.3f} "
          f"f1={f:.3f} ({time.perf_counter() - t0:.1f} s)")


# ---- the matcher alone, on the labelled texts ---------------------------------------------------------------------
def _vectors(labels: list[dict]):
    from retrieval.embed import get_embedder
    from retrieval.plan import _unit

    emb = get_embedder()
    out = []
    for lab in labels:
        L, P = lab["latest"]["recommendations"], lab["previous"]["recommendations"]
        v = _unit(emb.embed(L + P))
        out.append((v[:len(L)], v[len(L):]))
    return out


def check_texts(labels: list[dict], vecs, sim_area: float | None = None, sim_alone: float | None = None,
                verbose: bool = True) -> tuple[float, float, float]:
    from retrieval import plan

    saved = plan.SIM_AREA, plan.SIM_ALONE
    if sim_area is not None:
        plan.SIM_AREA = sim_area
    if sim_alone is not None:
        plan.SIM_ALONE = sim_alone
    tp = fp = fn = 0
    try:
        for lab, (lv, pv) in zip(labels, vecs):
            L = [{"text": t} for t in lab["latest"]["recommendations"]]
            P = [{"text": t} for t in lab["previous"]["recommendations"]]
            got = {(ln.latest, ln.earlier) for ln in plan.recurrence(L, P, lv, pv)}
            want = {(x["latest"], x["previous"]) for x in lab["pairs"]}
            tp += len(want & got)
            fp += len(got - want)
            fn += len(want - got)
            if verbose and (got - want or want - got):
                sims = lv @ pv.T
                print(f"== {lab['council']}")
                for i, j in sorted(got - want):
                    print(f"  WRONG  L{i}~P{j} sim={sims[i, j]:.2f} areas={sorted(plan.primary_areas(L[i]['text']))}"
                          f"/{sorted(plan.primary_areas(P[j]['text']))}\n    L: {L[i]['text'][:150]}\n    P: {P[j]['text'][:150]}")
                for i, j in sorted(want - got):
                    print(f"  MISSED L{i}~P{j} sim={sims[i, j]:.2f} areas={sorted(plan.primary_areas(L[i]['text']))}"
                          f"/{sorted(plan.primary_areas(P[j]['text']))}\n    L: {L[i]['text'][:150]}\n    P: {P[j]['text'][:150]}")
    finally:
        plan.SIM_AREA, plan.SIM_ALONE = saved
    return prf(tp, fp, fn)


def sweep(labels: list[dict], vecs) -> None:
    print("sim_area sim_alone  precision recall f1")
    for a in (0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70):
        for b in (0.70, 0.75, 0.80, 0.85, 1.01):
            p, r, f = check_texts(labels, vecs, a, b, verbose=False)
            print(f"  {a:.2f}     {b:.2f}     {p:.3f}     {r:.3f}  {f:.3f}")


# ---- the user store under concurrent edits -------------------------------------------------------------------------
def _editor(path: str, who: int, edits: int, items: int, start, out) -> None:
    from retrieval.userstore import UserStore, add_note, item_key, save_tracking

    st = UserStore(path)
    rep = {"report_id": "bench", "kind": "ofsted_inspection", "published": "2024-01-01"}
    keys = [item_key("Bench", rep, str(i), f"Recommendation number {i} of the bench plan") for i in range(items)]
    start.wait()
    t0 = time.perf_counter()
    waits = []
    for m in range(edits):
        k = keys[(m + who) % items]
        t = time.perf_counter()
        if m % 2:
            add_note(st, k, f"p{who} edit {m}", "2024-02-01", author=f"p{who}")
        else:
            save_tracking(st, k, author=f"p{who}", lead=f"p{who} lead {m}", status="in progress")
        waits.append(time.perf_counter() - t)
    out.put((who, time.perf_counter() - t0, max(waits), sorted(waits)[len(waits) // 2]))


def check_store(procs: int, edits: int, items: int = 10) -> None:
    import sqlite3

    from retrieval.userstore import UserStore

    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "u.sqlite3")
        UserStore(path).ensure()
        ctx = mp.get_context("spawn")
        start, out = ctx.Event(), ctx.Queue()
        ps = [ctx.Process(target=_editor, args=(path, w, edits, items, start, out)) for w in range(procs)]
        for p in ps:
            p.start()
        time.sleep(2.0)
        t0 = time.perf_counter()
        start.set()
        for p in ps:
            p.join()
        wall = time.perf_counter() - t0
        res = [out.get() for _ in ps]
        with sqlite3.connect(path) as conn:
            notes = conn.execute("SELECT COUNT(*) FROM plan_notes").fetchone()[0]
            changes = conn.execute("SELECT COUNT(*) FROM plan_changes WHERE field = 'lead'").fetchone()[0]
        want_notes = sum(edits // 2 for _ in range(procs))
        want_changes = sum(edits - edits // 2 for _ in range(procs))
        lost = (want_notes - notes) + (want_changes - changes)
        print(f"user store: {procs} processes x {edits} edits on one {items}-item plan: {procs * edits} edits in "
              f"{wall:.2f} s ({procs * edits / wall:.0f} edits/s), edits lost {lost} (notes {notes}/{want_notes}, "
              f"field changes {changes}/{want_changes}); slowest single edit {max(r[2] for r in res) * 1000:.0f} ms, "
              f"median {sorted(r[3] for r in res)[len(res) // 2] * 1000:.1f} ms; failed processes "
              f"{sum(p.exitcode != 0 for p in ps)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("labels", nargs="*", default=[str(OWN)])
    ap.add_argument("--index", default="/work/idx/shared")
    ap.add_argument("--texts", action="store_true", help="the matcher alone on the labelled texts (no index)")
    ap.add_argument("--sweep", action="store_true", help="with --texts: precision/recall over a threshold grid")
    ap.add_argument("--store", action="store_true", help="measure the user store under concurrent edits")
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--edits", type=int, default=200)
    a = ap.parse_args()
    if a.store:
        check_store(a.procs, a.edits)
        return 0
    labels = load(a.labels)
    if a.texts:
        vecs = _vectors(labels)
        if a.sweep:
            sweep(labels, vecs)
        p, r, f = check_texts(labels, vecs)
        print(f"texts: {len(labels)} councils, {sum(len(x['pairs']) for x in labels)} labelled pairs: "
              f"precision={p:.3f} recall={r:.3f} f1={f:.3f}")
        return 0
    check_index(labels, a.index)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    _ = SHARED
    sys.exit(main())
