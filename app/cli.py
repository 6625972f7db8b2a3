"""The `inspections` command line: thin wrappers over ingest/ and retrieval/ (a contract: see DESIGN.md)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from retrieval import config  # noqa: F401  (sets the offline environment before any model library loads)

index_option = click.option("--index", "index_dir", default=None, envvar="INSPECTIONS_INDEX",
                            help="Index folder (default: $INSPECTIONS_INDEX, else ./.index).", show_envvar=True)


def _open(index_dir: str | None, create: bool = False):
    from retrieval.store import Store, StoreError

    try:
        return Store(index_dir, create=create)
    except StoreError as e:
        raise click.ClickException(str(e))


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=None))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="inspections")
def cli() -> None:
    """Ask questions of Ofsted inspection reports and the council reports that answer them."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@index_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per file outcome, then a summary object.")
@click.option("--no-wait", is_flag=True, help="Refuse, rather than wait, when another ingest holds the index.")
def ingest(paths: tuple[str, ...], index_dir: str | None, quiet: bool, as_json: bool, no_wait: bool) -> None:
    """Index PDF, Word (.docx), .txt and .md files (or folders of them). Unchanged files are skipped; changed ones
    replaced."""
    from retrieval.indexer import IndexBusy, index_paths
    from retrieval.store import StoreError

    store = _open(index_dir, create=True)
    if store.rebuilt:
        click.echo(f"the index at {store.location} was written by an older version of inspections: it has been "
                   "emptied and is rebuilt from the files given here", err=True)

    def show(o) -> None:
        if as_json:
            _echo_json({"path": o.path, "status": o.status, "reason": o.reason, "report_id": o.report_id,
                        "council": o.council, "published": o.published, "paragraphs": o.paragraphs})
        elif o.status == "failed":
            click.echo(f"FAILED  {o.path}: {o.reason}")

    try:
        summary = index_paths(list(paths), store, progress=not quiet and not as_json, on_outcome=show,
                              wait_for_lock=not no_wait, notice=lambda m: click.echo(m, err=True))
    except IndexBusy as e:
        raise click.ClickException(str(e))
    except StoreError as e:
        raise click.ClickException(str(e))
    if summary.recovered:
        click.echo(f"cleared {summary.recovered} half-written report(s) left by an interrupted ingest", err=True)
    if as_json:
        _echo_json({"indexed": summary.count("indexed", "replaced"), "unchanged": summary.count("unchanged"),
                    "failed": summary.count("failed"), "paragraphs_added": summary.paragraphs_added,
                    "seconds": round(summary.seconds, 2)})
    else:
        click.echo(summary.line())
    sys.exit(1 if summary.failed else 0)


def _searcher(index_dir: str | None):
    from retrieval.search import Searcher

    return Searcher(_open(index_dir))


def _print_answer(res) -> None:
    for notice in res.notices:  # what was not understood comes first: the answer below is read in its light
        click.secho(notice, fg="yellow")
    if res.message:
        click.secho(res.message, fg="yellow")
    click.echo(res.answer.text)
    if res.evidence:
        shown = res.evidence if res.answer.found else res.evidence[:3]
        click.echo("\nEvidence" if res.answer.found else "\nClosest passages (weak matches that may not answer it)")
        for i, e in enumerate(shown, 1):
            where = f"paragraph {e.paragraph}" if e.paragraph else f"page {e.page}"
            click.secho(f"[{i}] {e.council} — {e.title} ({e.published}) {where}", bold=True)
            if e.section:
                click.echo(f"    {e.section}")
            text = e.text if len(e.text) <= 600 else e.text[:600].rsplit(" ", 1)[0] + " …"
            click.echo(f"    {text}")
            click.echo(f"    Cite: {e.citation}")
    if res.recommendations:
        click.echo("\nRecommendations")
        for r in res.recommendations:
            extra = ", ".join(x for x in (r.get("timescale"), r.get("owner")) if x)
            click.echo(f"  - {r['text']}" + (f" ({extra})" if extra else "") + f"\n    {r.get('citation', '')}")
    if res.judgements:
        click.echo("\nJudgements")
        for j in res.judgements:
            click.echo(f"  {j['council']} {j['published']}: {j['area']} — {j['grade']}")


def _summary_json(res) -> dict:
    """The checked written answer (retrieval/summary.py) as JSON; status "off" without a language model."""
    from retrieval.summary import summarise

    return summarise(res.question, res.evidence).result().to_json()


def _print_summary(res) -> None:
    """With a language model configured: its answer streamed sentence by sentence, each shown once it passed the
    check; a one-line notice when the quoted answer stands instead. Nothing without one."""
    from retrieval.summary import summarise

    stream = summarise(res.question, res.evidence)
    if not stream.settings.configured:
        return
    click.secho(f"Written answer (language model at {stream.settings.host}; every sentence checked against the "
                "paragraph it cites)", bold=True)
    shown = 0
    for sentence in stream.kept():
        click.echo(("" if not shown else " ") + sentence, nl=False)
        shown += 1
    if shown:
        click.echo()
    summary = stream.result()
    if summary.notice:
        click.secho(summary.notice, fg="yellow")
    click.echo()


@cli.command()
@click.argument("question", required=False)
@click.option("--council", "councils", multiple=True, help="Only this council (repeat for several).")
@click.option("--k", default=10, show_default=True, type=click.IntRange(1, 100), help="How many paragraphs.")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True)
@click.option("--batch", type=click.Path(exists=True, dir_okay=False), help='JSON Lines of {"id", "question", "councils"?}.')
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@index_option
def ask(question: str | None, councils: tuple[str, ...], k: int, mode: str, batch: str | None, as_json: bool,
        index_dir: str | None) -> None:
    """Answer a question with the paragraphs that answer it, quoted and cited."""
    if not question and not batch:
        raise click.UsageError('give a QUESTION, e.g. inspections ask "what did inspectors say about care leavers?"')
    searcher = _searcher(index_dir)
    if batch:
        searcher.warm()
        for n, line in enumerate(Path(batch).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                res = searcher.ask(str(item.get("question") or ""), councils=list(item.get("councils") or []) or None,
                                   k=k, mode=mode)
                out = {"id": item.get("id"), **res.to_json(), "summary": _summary_json(res)}
            except (ValueError, TypeError) as e:
                out = {"id": (item.get("id") if isinstance(item, dict) else None), "error": str(e), "evidence": [],
                       "answer": "", "timing_ms": 0.0}
            click.echo(json.dumps(out, ensure_ascii=False))
        return
    from retrieval.store import StoreError

    try:
        res = searcher.ask(question or "", councils=list(councils) or None, k=k, mode=mode)
    except (ValueError, StoreError) as e:
        raise click.ClickException(str(e))
    if as_json:
        _echo_json({**res.to_json(), "summary": _summary_json(res)})
    else:
        _print_summary(res)
        _print_answer(res)


@cli.command()
@click.argument("topic")
@click.option("--council", "councils", multiple=True, required=True, help="A council to compare (repeat).")
@click.option("--k", default=5, show_default=True, type=click.IntRange(1, 50))
@click.option("--latest", is_flag=True, help="Only each council's latest inspection.")
@click.option("--stance", type=click.Choice(["strength", "concern", "mixed", "neutral"]), default=None,
              help="Only paragraphs that praise (strength), criticise (concern), do both (mixed) or only describe.")
@click.option("--json", "as_json", is_flag=True)
@index_option
def compare(topic: str, councils: tuple[str, ...], k: int, latest: bool, stance: str | None, as_json: bool,
            index_dir: str | None) -> None:
    """Compare what reports say about TOPIC across councils: each council's latest report first."""
    from retrieval.compare import compare as run_compare

    try:
        data = run_compare(_searcher(index_dir), topic, list(councils), k=k, latest=latest, stance=stance)
    except ValueError as e:
        raise click.ClickException(str(e))
    if as_json:
        _echo_json(data)
        return
    for c in data["councils"]:
        click.secho(f"\n== {c['council']}", bold=True)
        if not c.get("indexed", True):
            click.echo("  " + c.get("message", "no indexed report"))
            continue
        if c.get("latest_judgements"):
            j0 = c["latest_judgements"][0]
            click.echo(f"  Latest grades ({j0['published']}, {c.get('framework') or 'framework not known'}):")
            for j in c["latest_judgements"]:
                click.echo(f"    {j['area']}: {j['grade']}")
        for e in c["evidence"]:
            when = f"{(e.get('published') or '?')[:4]} report — earlier inspection" if e.get("earlier") \
                else f"council report, {e.get('published')}" if e.get("kind") == "council_report" \
                else f"latest report, {e.get('published')}"
            click.echo(f"  - [{e.get('stance', 'neutral')}; {when}] {_cut(e['text'], 300)}\n    {e['citation']}")
        for r in c["recommendations"]:
            click.echo(f"  * {_cut(r['text'], 200)} ({r.get('timescale') or 'no timescale'})")


def _cut(text: str, n: int) -> str:
    """Text cut at a word before n characters, with an ellipsis when anything was cut."""
    text = " ".join((text or "").split())
    if len(text) <= n:
        return text
    return text[:n].rsplit(" ", 1)[0].rstrip(",;:") + " …"


@cli.command()
@click.argument("topic")
@click.option("--latest", is_flag=True, help="Only each council's latest full inspection.")
@click.option("--region", default=None, help='Only councils of this region (e.g. "North West").')
@click.option("--since", type=click.IntRange(1990, 2100), default=None, help="Only reports published in or after YYYY.")
@click.option("--stance", type=click.Choice(["strength", "concern", "mixed", "neutral"]), default=None,
              help="Only councils whose paragraphs on the topic praise (strength), criticise (concern), do both "
                   "(mixed) or only describe (neutral); strength and concern keep mixed ones too, after them.")
@click.option("--json", "as_json", is_flag=True)
@index_option
def themes(topic: str, latest: bool, region: str | None, since: int | None, stance: str | None, as_json: bool,
           index_dir: str | None) -> None:
    """Every council whose reports say something about TOPIC, with the paragraphs that say it."""
    from retrieval.store import StoreError
    from retrieval.themes import themes as run_themes

    try:
        data = run_themes(_searcher(index_dir), topic, latest=latest, region=region, since=since, stance=stance)
    except (ValueError, StoreError) as e:
        raise click.ClickException(str(e))
    if as_json:
        _echo_json(data)
        return
    rows = data["councils"]
    scope = "latest full inspections" if latest else "reports"
    from app.export import STANCE_SAID

    said = STANCE_SAID.get(stance or "", "")
    click.echo(f"{len(rows)} of {data['councils_considered']} councils ({data['reports_considered']} {scope}) "
               f"say something about {topic!r}{said}")
    for r in rows:
        click.secho(f"\n{r['council']} ({r['region']}) — published {r['published']}"
                    + (f", section graded {r['grade']}" if r.get("grade") else ""), bold=True)
        for e in r["evidence"]:
            text = e["text"] if len(e["text"]) <= 400 else e["text"][:400].rsplit(" ", 1)[0] + " …"
            click.echo(f"  - [{e.get('stance') or 'neutral'}] {text}\n    {e['citation']}")
    if data["by_year"]:
        click.echo("\nBy year of publication: " + ", ".join(f"{y['year']} {y['councils']}" for y in data["by_year"]))
    if rows:
        click.echo("By region: " + ", ".join(f"{g['region']} {g['councils']}/{g['councils_considered']}"
                                             for g in data["by_region"]))



@cli.command()
@click.option("--region", default=None, help='Only councils of this region (e.g. "North West").')
@click.option("--as-of", "as_of", default=None, help="The table as it stood on this date (YYYY-MM-DD; default today).")
@click.option("--json", "as_json", is_flag=True)
@index_option
def outcomes(region: str | None, as_of: str | None, as_json: bool, index_dir: str | None) -> None:
    """Where every council stands: latest full inspection, grades, days since, time to publish, next window."""
    from retrieval.outcomes import outcomes as run_outcomes
    from retrieval.store import StoreError

    try:
        data = run_outcomes(_open(index_dir), region=region, as_of=as_of)
    except (ValueError, StoreError) as e:
        raise click.ClickException(str(e))
    if as_json:
        _echo_json(data)
        return
    click.echo(f"Latest full inspections as of {data['as_of']}" + (f" in {data['region']}" if data["region"] else "")
               + f": {len(data['councils'])} councils")
    for r in data["councils"]:
        w = r["next_window"]
        window = f"next {w['earliest']} .. {w['latest']} ({w['status']})" if w.get("earliest") else "next: no window"
        click.echo(f"{r['council'][:26]:26s} {r['region'][:20]:20s} {(r['overall_grade'] or '-')[:22]:22s} "
                   f"{r['inspection_type'] or '-':9s} {r['inspection_start'] or '?':10s} "
                   f"{r['days_since_start'] if r['days_since_start'] is not None else '?':>5} days ago  "
                   f"published after {r['days_to_publish'] if r['days_to_publish'] is not None else '?':>3} days  "
                   f"{r['change'] or '-':8s} {window}")
    click.echo("\nBy region: " + "; ".join(
        f"{g['region']}: " + ", ".join(f"{k} {v}" for k, v in g["grades"].items() if v) + f" ({g['inspected']} of "
        f"{g['councils']} councils)" for g in data["by_region"] if g["inspected"]))
    click.echo(data["method"])

def _council_name(council: str) -> str:
    """The proper name of a council the user typed, or a usage error naming close matches."""
    from retrieval.councils import UnknownCouncil, resolve_name

    try:
        return resolve_name(council)
    except UnknownCouncil as e:
        raise click.ClickException(str(e))


def _report_ids_for(searcher, council: str | None, report: str | None) -> list[str] | None:
    if not council and not report:
        return None
    reps = list(searcher.reports.values())
    if council:
        name = _council_name(council)
        reps = [r for r in reps if (r.get("council") or "").lower() == name.lower()]
        if not reps:
            raise click.ClickException(f"no indexed report for {name} (you typed {council!r}): "
                                       "`inspections reports` lists the indexed councils")
    if report:
        reps = [r for r in reps if r["report_id"].startswith(report)]
        if not reps:
            raise click.ClickException(f"no indexed report with id {report!r}: see `inspections reports`")
    return [r["report_id"] for r in reps]


@cli.command()
@click.option("--council", default=None)
@click.option("--report", "report_id", default=None, help="A report id (or its first characters).")
@click.option("--json", "as_json", is_flag=True)
@index_option
def recommendations(council: str | None, report_id: str | None, as_json: bool, index_dir: str | None) -> None:
    """Every recommendation the indexed reports made, with timescale and owner."""
    from retrieval.search import recommendation_json

    s = _searcher(index_dir)
    s.refresh()
    ids = _report_ids_for(s, council, report_id)
    rows = [recommendation_json(r, r["text"], s.reports.get(r["report_id"])) for r in s.store.recommendations(ids)]
    rows.sort(key=lambda r: r.get("published") or "", reverse=True)  # newest report first; each in its own order
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        extra = " | ".join(x for x in (r.get("owner"), r.get("group")) if x)
        click.echo(f"{r['council']} {r['published']} {r.get('number') or '-'}: {r['text']}")
        click.echo(f"    Timescale: {r.get('timescale') or 'none given'}" + (f" | {extra}" if extra else ""))
        if r.get("citation"):
            click.echo(f"    {r['citation']}")


@cli.command()
@click.option("--council", default=None)
@click.option("--json", "as_json", is_flag=True)
@index_option
def judgements(council: str | None, as_json: bool, index_dir: str | None) -> None:
    """Every judgement (grade) the indexed reports gave."""
    s = _searcher(index_dir)
    s.refresh()
    ids = _report_ids_for(s, council, None)
    ids = ids if ids is not None else [r["report_id"] for r in sorted(s.reports.values(), key=lambda r: (r["council"], r.get("published") or ""))]
    rows = s.judgements_for(ids)
    if as_json:
        _echo_json(rows)
        return
    for j in rows:
        click.echo(f"{j['council']:30s} {j['published']}  {j['area']}: {j['grade']}")


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@index_option
def reports(as_json: bool, index_dir: str | None) -> None:
    """The indexed reports."""
    store = _open(index_dir)
    rows = [{k: r.get(k) for k in ("report_id", "council", "kind", "framework", "title", "published",
                                   "inspection_dates", "source", "pages", "paragraphs", "inspection_start",
                                   "inspection_end", "inspection_type", "lead_inspector")} for r in store.reports()]
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        click.echo("The index is empty: run `inspections ingest PATH...`.")
    for r in rows:
        click.echo(f"{r['report_id']}  {r['council']:28s} {r['published'] or '?':10s} {r['kind']:18s} "
                   f"{r['paragraphs']:4d} paragraphs  {Path(r['source'] or '').name}")


@cli.command()
@click.argument("report_id")
@click.option("--json", "as_json", is_flag=True)
@index_option
def paragraphs(report_id: str, as_json: bool, index_dir: str | None) -> None:
    """A report's paragraphs in document order, as ingest understood them."""
    from retrieval.stance import stance

    store = _open(index_dir)
    rep = store.report(report_id)
    if rep is None:  # the first characters of an id, as `recommendations --report` takes
        found = [r for r in store.reports() if r["report_id"].startswith(report_id.strip())] if report_id.strip() else []
        if len(found) > 1:
            raise click.ClickException(f"{report_id!r} starts {len(found)} report ids: "
                                       + ", ".join(r["report_id"] for r in found[:5]) + ": give more characters")
        rep = found[0] if found else None
    if rep is None:
        raise click.ClickException(f"no indexed report with id {report_id!r}: see `inspections reports`")
    rows = [{"paragraph": p.get("number") or None, "part": p.get("part"), "section": p.get("section"),
             "grade": p.get("grade") or None, "page": p.get("page"), "text": p["text"],
             "stance": stance(p["text"], p.get("section"), p.get("part"))}
            for p in store.paragraphs_of(rep["report_id"])]
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        click.echo(f"[{r['paragraph'] or '-'}] p{r['page']} {r['section']}\n    {r['text']}")


@cli.command()
@click.option("--council", required=True, help="The council whose plan to make.")
@click.option("--report", "report_id", default=None, help="A report id (default: the latest full inspection).")
@click.option("--json", "as_json", is_flag=True, help="The plan as JSON (DESIGN.md's shape).")
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx", "csv", "md"]), default=None,
              help="Write the plan as a Word, Excel, CSV or Markdown file.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="File to write with --format (default: action-plan-<council>-<date>.<format>; '-' for stdout).")
@click.option("--stance", type=click.Choice(["strength", "concern", "mixed", "neutral"]), default=None,
              help="Only evidence that praises (strength), criticises (concern), does both (mixed) or only describes "
                   "(neutral); strength and concern keep mixed findings too, after them.")
@index_option
def plan(council: str, report_id: str | None, as_json: bool, fmt: str | None, output: str | None,
         stance: str | None, index_dir: str | None) -> None:
    """A report's recommendations as an action plan: due dates, evidence, earlier recommendations, tracking."""
    from app.plan_export import plan_filename, render
    from retrieval.plan import PlanError, action_plan
    from retrieval.store import StoreError
    from retrieval.userstore import UserStoreError

    try:
        p = action_plan(_searcher(index_dir), council, report_id, stance=stance)
    except (PlanError, StoreError, UserStoreError, ValueError) as e:
        raise click.ClickException(str(e))
    if fmt:
        data = render(p, fmt)
        if output == "-":
            click.echo(data.decode("utf-8-sig") if fmt in ("csv", "md") else data, nl=False)
            return
        path = Path(output or plan_filename(p, fmt))
        path.write_bytes(data)
        click.echo(f"wrote {path} ({len(p.items)} items)", err=as_json)
    if as_json:
        _echo_json(p.to_json())
        return
    if fmt:
        return
    rep = p.report
    click.secho(f"{p.council}: {rep.get('title')} (published {rep.get('published')}) — {len(p.items)} items",
                bold=True)
    for it in p.items:
        due = f"due {it.due.isoformat()}" if it.due else "no due date"
        late = " OVERDUE" if it.overdue else ""
        click.echo(f"\n{it.number or '-'}. {it.text}\n    [{it.timescale or 'no timescale'}; {due}{late}; "
                   f"owner {it.owner or '-'}; {it.tracking.status}; RAG {it.tracking.rag or '-'}; "
                   f"lead {it.tracking.lead or '-'}]\n    {it.citation}")
        for e in it.evidence:
            click.echo(f"    evidence [{e.stance}]: {e.citation}")
        for r in it.raised_before:
            click.echo(f"    raised before ({r.published}): {r.text[:160]}")


@cli.command()
@click.option("--council", "councils", multiple=True, help="Only this council (repeat for several); default: all.")
@click.option("--kinds", default="inspections", show_default=True,
              help="inspections (full children's services inspections), visits (focused and monitoring visits, "
                   "joint targeted area inspections) or all; comma-separated for several.")
@click.option("--since", default=None, help="Only publications Ofsted lists on or after this date.")
@click.option("--dest", default=None, type=click.Path(file_okay=False),
              help="Download folder (default: 'ofsted' inside the index folder).")
@click.option("--base-url", default=None, envvar="INSPECTIONS_OFSTED_URL", show_envvar=True,
              help="The report site (default https://reports.ofsted.gov.uk).")
@index_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@click.option("--json", "as_json", is_flag=True, help="The result as one JSON object.")
def fetch(councils: tuple[str, ...], kinds: str, since: str | None, dest: str | None, base_url: str | None,
          index_dir: str | None, quiet: bool, as_json: bool) -> None:
    """Download the reports Ofsted publishes on councils' children's services that are not here yet, and index them.

    Run it again later to add only what is new; an interrupted run carries on where it stopped."""
    from tqdm import tqdm

    from retrieval.fetch import FetchError
    from retrieval.fetch import fetch as run_fetch
    from retrieval.store import StoreError

    folder = Path(config.index_dir(index_dir))
    new_index = not folder.exists()
    store = _open(index_dir, create=True)
    bars: dict[str, tqdm] = {}
    names = {"search": "Listing providers", "providers": "Reading provider pages", "download": "Downloading"}

    def progress(stage: str, done: int, total: int, what: str) -> None:
        if quiet or as_json or stage not in names or total <= 0:
            return
        bar = bars.get(stage)
        if bar is None:
            unit = {"search": "provider", "providers": "page", "download": "file"}[stage]
            bar = bars[stage] = tqdm(total=total, desc=names[stage], unit=unit, file=sys.stderr, dynamic_ncols=True)
        bar.n = min(done, total)
        if done >= total:
            bar.set_postfix_str("", refresh=False)
            bar.close()
        else:
            bar.set_postfix_str(what[:40], refresh=True)

    try:
        res = run_fetch(store, councils=list(councils) or None, kinds=kinds, since=since, dest=dest,
                        base_url=base_url, progress=progress, index_progress=not quiet and not as_json)
    except (FetchError, ValueError, StoreError) as e:
        if new_index and not store.reports():  # a site never reached leaves no empty index behind to puzzle over
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
        raise click.ClickException(str(e))
    except KeyboardInterrupt:
        click.echo("\ninterrupted: finished downloads and indexed reports are kept; run the same command again "
                   "to carry on", err=True)
        sys.exit(130)
    finally:
        for bar in bars.values():
            bar.close()
    if as_json:
        _echo_json(res.to_json())
    else:
        for pub, why in res.not_pdf:
            click.echo(f"NOT A PDF  {pub.describe()}: {why}")
        for pub, why in res.failed:
            click.echo(f"FAILED  {pub.describe()} {pub.url}: {why}")
        for o in res.unreadable:
            click.echo(f"UNREADABLE  {o.path}: {o.reason}")
        for pub, before in res.redated:
            click.echo(f"REDATED  {pub.describe()}: already indexed as published {before or 'on no date'}; "
                       "now under the listed date")
        for pub, read in res.date_mismatches:
            click.echo(f"DATE  {pub.describe()}: the file reads as published {read}; indexed under the listed date")
        for o in res.added:
            click.echo(f"added  {o.council} {o.published or '?'}  {o.paragraphs} paragraphs  ({o.report_id})")
        click.echo(res.line())
    sys.exit(1 if res.failed else 0)


@cli.command()
@index_option
@click.option("--port", default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def app(index_dir: str | None, port: int, host: str) -> None:
    """Start the Streamlit app on the index."""
    script = Path(__file__).with_name("main.py")
    env = dict(os.environ)
    env["INSPECTIONS_INDEX"] = os.path.abspath(config.index_dir(index_dir))
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
           "--server.address", host, "--browser.gatherUsageStats", "false", "--server.headless", "true"]
    click.echo(f"Starting the app on http://{host}:{port} (index {env['INSPECTIONS_INDEX']})")
    sys.stdout.flush()
    # the server replaces this process rather than running as its child: whoever stops `inspections app` (Ctrl-C, a
    # service manager, a bench's terminate()) stops the server itself, and no orphaned server keeps the port
    os.execve(sys.executable, cmd, env)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
