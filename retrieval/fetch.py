"""Fetch from Ofsted: every local authority's children's services reports from Ofsted's report site, downloaded
once, indexed, and kept up to date by running it again.

Built against the site's structure as it was known when this was written (README, "Fetching reports from Ofsted"):
- the search for every local authority children's services provider is
  {base}/search?q=&location=&lat=&lon=&radius=&level_1_types=3&level_2_types%5B%5D=12&start=N&rows=100,
  up to 100 results a page, paged with start=N (the providers seen so far) until a page brings no new provider;
- each provider on it is an <a> whose href contains /provider/ and ends with the provider's URN;
- a provider's page lists its publications as <a class="publication-link" href="..."> whose
  <span class="nonvisual"> names the document: "Children's services inspection, pdf - 12 May 2015";
- the href is the file (https://files.ofsted.gov.uk/v1/file/NNNNNNNN), followed as given (a relative href is
  resolved against the page it is on).
When the pages stop looking like that (a search page without provider links, provider pages without publication
links) this says so and stops (FetchError) rather than reporting an empty library as success.

Polite and restartable: one request at a time, at most a few a second, a User-Agent naming the tool, retries with
exponential backoff on 429/5xx and dropped connections (a Retry-After is honoured). Files are written to
"<id>.pdf.part" and renamed when whole, so an interrupted run (Ctrl-C, a dropped connection) carries on from where it
stopped and nothing finished is downloaded twice. manifest.json in the download folder records every file fetched,
keyed by Ofsted's file id, with the date Ofsted lists it under (`listed`). That date is the report's publication
date in the index: it is the date officers cite, most ILACS reports do not print one, and a PDF Ofsted re-issued
after publication carries a later date of its own (the date the file gave is kept as `published_read`). An HTML page served in place of a PDF (a sign-in or error page) is recorded and
reported, never indexed.
"""
from __future__ import annotations

import email.utils
import hashlib
import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from retrieval import config

DEFAULT_BASE_URL = "https://reports.ofsted.gov.uk"
BASE_URL_ENV = "INSPECTIONS_OFSTED_URL"
RATE_ENV = "INSPECTIONS_FETCH_RATE"  # requests a second (default 3)
SEARCH = ("/search?q=&location=&lat=&lon=&radius=&level_1_types=3&level_2_types%5B%5D=12"
          "&start={start}&rows={rows}")
ROWS = 100
MAX_SEARCH_PAGES = 50  # 5,000 providers: far more than England's ~153 local authorities; stops a runaway loop
MANIFEST = "manifest.json"
KINDS = {"inspections": ("inspection",), "visits": ("visit",), "all": ("inspection", "visit", "other")}
DATE_TOLERANCE_DAYS = 7
_KIND_OF_REPORT = {"ofsted_inspection": "inspection", "ofsted_visit": "visit", "ofsted_jtai": "visit"}
MAX_RETRY_AFTER = 120.0
Progress = Callable[[str, int, int, str], None]  # (stage, done, total, what): stages search, providers, download


class FetchError(Exception):
    """The site cannot be reached, or its pages no longer look as this was built for: nothing can be trusted."""


@dataclass
class Provider:
    urn: str
    name: str
    url: str
    council: str  # the gazetteer's name when the provider's name resolves to a council, else the name as listed


@dataclass
class Publication:
    file_id: str
    url: str
    label: str  # the publication's name as listed: "Children's services inspection, pdf - 12 May 2015"
    title: str  # "Children's services inspection"
    format: str  # "pdf"
    listed: str | None  # the date Ofsted lists it under, YYYY-MM-DD
    kind: str  # "inspection" | "visit" | "other"
    urn: str
    provider: str
    council: str

    def describe(self) -> str:
        when = f", listed {self.listed}" if self.listed else ""
        return f"{self.council} — {self.title}{when} (file {self.file_id})"


@dataclass
class FetchResult:
    base_url: str
    dest: str
    providers: int = 0
    listed: int = 0  # publications listed on the providers' pages read
    selected: list[Publication] = field(default_factory=list)  # those the filters chose
    downloaded: list[Publication] = field(default_factory=list)  # fetched by this run
    already: int = 0  # chosen, and already in the download folder from an earlier run
    not_pdf: list[tuple[Publication, str]] = field(default_factory=list)  # served something else than a PDF
    failed: list[tuple[Publication, str]] = field(default_factory=list)  # could not be downloaded (retry later)
    outcomes: list[Any] = field(default_factory=list)  # the indexer's Outcome for each file it was given
    date_mismatches: list[tuple[Publication, str]] = field(default_factory=list)  # (publication, the file's date)
    redated: list[tuple[Publication, str]] = field(default_factory=list)  # already indexed: (publication, old date)
    notes: list[str] = field(default_factory=list)  # site oddities that did not stop the run

    @property
    def added(self) -> list[Any]:
        return [o for o in self.outcomes if o.status in ("indexed", "replaced")]

    @property
    def unreadable(self) -> list[Any]:
        return [o for o in self.outcomes if o.status == "failed"]

    def line(self) -> str:
        parts = [f"{self.providers} providers, {self.listed} publications listed, {len(self.selected)} chosen",
                 f"{len(self.downloaded)} downloaded ({self.already} already here)",
                 f"{len(self.added)} reports added to the index"]
        if self.not_pdf:
            parts.append(f"{len(self.not_pdf)} not a PDF")
        if self.unreadable:
            parts.append(f"{len(self.unreadable)} could not be read")
        if self.redated:
            parts.append(f"{len(self.redated)} already indexed given the date Ofsted lists")
        if self.failed:
            parts.append(f"{len(self.failed)} could not be downloaded (run again to retry)")
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        def pub(p: Publication) -> dict[str, Any]:
            return asdict(p)

        return {
            "base_url": self.base_url, "dest": self.dest, "providers": self.providers, "listed": self.listed,
            "selected": len(self.selected), "already": self.already,
            "downloaded": [pub(p) for p in self.downloaded],
            "not_pdf": [{**pub(p), "reason": why} for p, why in self.not_pdf],
            "failed": [{**pub(p), "reason": why} for p, why in self.failed],
            "added": [{"path": o.path, "report_id": o.report_id, "council": o.council, "published": o.published,
                       "paragraphs": o.paragraphs} for o in self.added],
            "unreadable": [{"path": o.path, "reason": o.reason} for o in self.unreadable],
            "date_mismatches": [{**pub(p), "published_read": read} for p, read in self.date_mismatches],
            "redated": [{**pub(p), "published_before": before} for p, before in self.redated],
            "notes": self.notes,
        }


# ---- reading the site's pages ------------------------------------------------------------------------------------
class _Links(HTMLParser):
    """Every <a>: its href, classes, visible text and the text of any <span class="nonvisual"> inside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, Any]] = []
        self._a: dict[str, Any] | None = None
        self._nonvisual_depth = 0  # >0 while inside a nonvisual span (counting nested spans)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a":
            self._a = {"href": (a.get("href") or "").strip(), "class": (a.get("class") or "").split(),
                       "text": [], "nonvisual": []}
            self.links.append(self._a)
            self._nonvisual_depth = 0
        elif tag == "span" and self._a is not None:
            if self._nonvisual_depth:
                self._nonvisual_depth += 1
            elif "nonvisual" in (a.get("class") or "").split():
                self._nonvisual_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._a = None
            self._nonvisual_depth = 0
        elif tag == "span" and self._nonvisual_depth:
            self._nonvisual_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._a is not None:
            self._a["nonvisual" if self._nonvisual_depth else "text"].append(data)


def _links(html: str) -> list[dict[str, Any]]:
    parser = _Links()
    parser.feed(html)
    parser.close()
    for link in parser.links:
        link["text"] = " ".join("".join(link["text"]).split())
        link["nonvisual"] = " ".join("".join(link["nonvisual"]).split())
    return parser.links


_PROVIDER_HREF = re.compile(r"/provider/(?:[^?#]*/)?(\d+)/?(?:[?#].*)?$")


def _providers(html: str, page_url: str) -> list[Provider]:
    from retrieval.councils import lookup

    found: dict[str, Provider] = {}
    for link in _links(html):
        m = _PROVIDER_HREF.search(link["href"])
        if not m or "/provider/" not in link["href"]:
            continue
        urn = m.group(1)
        name = link["text"] or link["nonvisual"]
        if urn in found:
            if not found[urn].name and name:
                found[urn].name = name
            continue
        found[urn] = Provider(urn=urn, name=name, url=urljoin(page_url, link["href"]), council="")
    for p in found.values():
        c = lookup(p.name) if p.name else None
        p.council = c.name if c else (p.name or f"provider {p.urn}")
    return list(found.values())


_LABEL = re.compile(r"^(?P<title>.+?),\s*(?P<format>[A-Za-z0-9]{2,5})\s*[-–—]\s*(?P<date>.+)$")


def _listed_date(text: str) -> str | None:
    from dateutil import parser

    try:
        return parser.parse(text, dayfirst=True, default=datetime(2000, 1, 1)).date().isoformat()
    except (ValueError, OverflowError):
        return None


def kind_of(title: str) -> str:
    """inspection (a full children's services inspection: ILACS, SIF or SLAC), visit (focused and monitoring visits,
    joint targeted area inspections) or other, from the name the site lists the document under."""
    t = " ".join(title.lower().replace("’", "'").split())
    if re.search(r"\bvisit\b|joint targeted|\bjtai\b|targeted area inspection", t):
        return "visit"
    if re.search(r"\bsend\b|special educational needs|contact,? referral|annual performance|fostering|adoption "
                 r"(agency|service)|children's home|secure (children's )?home", t):
        return "other"  # other inspections Ofsted lists beside a council's children's services ones
    if re.search(r"inspection|safeguarding and looked after", t) and \
            re.search(r"children|safeguarding|looked after|care leavers|local authority", t):
        return "inspection"
    return "other"


def _file_id(url: str) -> str:
    path = urlsplit(url).path.rstrip("/")
    m = re.search(r"/file/([A-Za-z0-9_-]+)$", path) or re.search(r"([A-Za-z0-9_-]+)$", path)
    if m and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", m.group(1)):
        return m.group(1)
    return "u" + hashlib.sha256(url.encode()).hexdigest()[:16]


def _publications(html: str, provider: Provider) -> list[Publication]:
    out = []
    for link in _links(html):
        if "publication-link" not in link["class"] or not link["href"]:
            continue
        label = link["nonvisual"] or link["text"]
        m = _LABEL.match(label)
        title, fmt, listed = (m.group("title").strip(), m.group("format").lower(), _listed_date(m.group("date"))) \
            if m else (label, "", None)
        url = urljoin(provider.url, link["href"])
        out.append(Publication(file_id=_file_id(url), url=url, label=label, title=title, format=fmt, listed=listed,
                               kind=kind_of(title), urn=provider.urn, provider=provider.name,
                               council=provider.council))
    return out


# ---- HTTP: polite, patient, resumable ----------------------------------------------------------------------------
def user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("inspections")
    except PackageNotFoundError:
        v = "dev"
    return f"inspections/{v} (fetches Ofsted's published children's services reports for local search; " \
           f"https://reports.ofsted.gov.uk)"


class _Busy(Exception):
    """429 or 5xx: worth trying again, after Retry-After when the site gives one."""

    def __init__(self, status: int, retry_after: float | None):
        super().__init__(f"the site answered HTTP {status}")
        self.status = status
        self.retry_after = retry_after


class _Refused(Exception):
    """Another 4xx: trying again will not help."""


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
    except (TypeError, ValueError):
        return None


class _Site:
    def __init__(self, rate: float, attempts: int, backoff: float, timeout: float):
        self.client = httpx.Client(headers={"User-Agent": user_agent()}, follow_redirects=True,
                                   timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)))
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.last = 0.0
        self.attempts = attempts
        self.backoff = backoff

    def close(self) -> None:
        self.client.close()

    def _pace(self) -> None:
        wait_for = self.last + self.interval - time.monotonic()
        if wait_for > 0:
            time.sleep(wait_for)
        self.last = time.monotonic()

    def _wait(self, state) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Busy) and exc.retry_after is not None:
            return min(exc.retry_after, MAX_RETRY_AFTER)
        return wait_exponential(multiplier=self.backoff, max=30)(state)

    def _retrying(self) -> Retrying:
        return Retrying(retry=retry_if_exception_type((httpx.TransportError, _Busy)), wait=self._wait,
                        stop=stop_after_attempt(self.attempts), reraise=True)

    @staticmethod
    def _check(resp: httpx.Response) -> None:
        if resp.status_code == 429 or resp.status_code >= 500:
            raise _Busy(resp.status_code, _retry_after(resp))
        if resp.status_code >= 400:
            raise _Refused(f"the site answered HTTP {resp.status_code}")

    def page(self, url: str) -> str:
        for attempt in self._retrying():
            with attempt:
                self._pace()
                resp = self.client.get(url)
                self._check(resp)
        return resp.text

    def download(self, url: str, final: Path) -> str | None:
        """Download url to final (through final.part, resumed when a previous attempt left one); returns None, or
        why what the site sent is not a PDF (nothing is kept then)."""
        part = final.with_name(final.name + ".part")
        for attempt in self._retrying():
            with attempt:
                why = self._download_once(url, part)
        if why:
            part.unlink(missing_ok=True)
            return why
        os.replace(part, final)
        return None

    def _download_once(self, url: str, part: Path) -> str | None:
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        self._pace()
        with self.client.stream("GET", url, headers=headers) as resp:
            if resp.status_code == 416 and have:  # the partial file is not a prefix of this one: start again
                part.unlink()
                raise _Busy(416, 0.0)
            self._check(resp)
            ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
            resumed = resp.status_code == 206 and have > 0
            if resumed:
                m = re.match(r"bytes (\d+)-", resp.headers.get("content-range", ""))
                if not m or int(m.group(1)) != have:
                    resumed = False
            if not resumed:
                have = 0
            expected = None
            length = resp.headers.get("content-length")
            if length and length.isdigit() and "content-encoding" not in resp.headers:
                expected = have + int(length)
            head = b""
            if not resumed:
                # judge the first bytes before writing anything: an HTML page in place of a PDF is not kept
                chunks = resp.iter_bytes()  # as it arrives: what came before a cut is kept
                for chunk in chunks:
                    head += chunk
                    if len(head) >= 1024:
                        break
                why = _not_pdf(head, ctype)
                if why:
                    return why
            else:
                chunks = resp.iter_bytes()  # as it arrives: what came before a cut is kept
            with open(part, "ab" if resumed else "wb") as fh:
                fh.write(head)
                for chunk in chunks:
                    fh.write(chunk)
            size = part.stat().st_size
            if expected is not None and size != expected:
                raise httpx.RemoteProtocolError(f"the file ended after {size} of {expected} bytes")
        if resumed and ctype in ("text/html", "application/xhtml+xml"):
            return _not_pdf(b"", ctype)
        with open(part, "rb") as fh:
            why = _not_pdf(fh.read(1024), "" if resumed else ctype)
        return why


def _not_pdf(head: bytes, ctype: str) -> str | None:
    if ctype in ("text/html", "application/xhtml+xml") or (head and b"%PDF-" not in head[:1024]):
        low = head[:4096].lower()
        title = re.search(rb"<title[^>]*>(.*?)</title>", head[:4096], re.S | re.I)
        what = "an HTML page" if (ctype.startswith("text/html") or b"<html" in low or b"<!doctype" in low) else \
            f"a {ctype or 'file'} that is not a PDF"
        named = f" ({' '.join(title.group(1).decode(errors='replace').split())[:80]!r})" if title else ""
        return f"not a PDF: the site sent {what}{named} in place of the report"
    if not head:
        return "not a PDF: the site sent an empty file"
    return None


# ---- what was fetched before -------------------------------------------------------------------------------------
class _Manifest:
    """dest/manifest.json: {"version": 1, "files": {file id: {...}}}, rewritten whole (atomically) after each
    change, so an interruption leaves the last complete version."""

    def __init__(self, dest: Path):
        self.path = dest / MANIFEST
        self.files: dict[str, dict[str, Any]] = {}
        if self.path.exists():
            try:
                self.files = dict(json.loads(self.path.read_text(encoding="utf-8")).get("files") or {})
            except (ValueError, OSError, AttributeError):
                self.path.replace(self.path.with_suffix(".json.damaged"))  # rebuilt from the files on disk
                self.files = {}

    def put(self, file_id: str, entry: dict[str, Any]) -> None:
        self.files[file_id] = entry
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps({"version": 1, "files": self.files}, indent=1, ensure_ascii=False),
                       encoding="utf-8")
        os.replace(tmp, self.path)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unknown"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _entry(pub: Publication, status: str, **extra: Any) -> dict[str, Any]:
    return {**asdict(pub), "status": status, "fetched": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            **extra}


def default_dest(store) -> Path:
    """Where downloads go unless told: an `ofsted` folder inside the index folder (beside `uploads`), or in the
    cache folder when the index is a Chroma server."""
    if store.server:
        return config.cache_dir() / f"ofsted-{store.server[0]}-{store.server[1]}"
    return Path(store.index_dir).resolve() / "ofsted"


def _parse_kinds(kinds: str | Iterable[str]) -> set[str]:
    names = [k.strip().lower() for k in (kinds.split(",") if isinstance(kinds, str) else kinds) if k.strip()]
    if not names:
        names = ["inspections"]
    bad = [k for k in names if k not in KINDS]
    if bad:
        raise ValueError(f"unknown kind {bad[0]!r}: use inspections, visits or all")
    return {x for k in names for x in KINDS[k]}


def parse_since(since: str | date | None) -> date | None:
    """A --since value: a date in any usual form ("2023-01-01", "1 March 2023", "March 2023", "2023")."""
    if since is None or since == "":
        return None
    if isinstance(since, date):
        return since
    from dateutil import parser

    try:
        return parser.parse(str(since), dayfirst=True, default=datetime(2000, 1, 1)).date()
    except (ValueError, OverflowError):
        raise ValueError(f"--since {since!r} is not a date (try 2023-01-01 or '1 March 2023')") from None


def _unreachable(base: str, e: Exception) -> FetchError:
    why = str(e) or type(e).__name__
    return FetchError(f"cannot reach Ofsted's report site at {base} ({why}). Check the address (--base-url or "
                      f"${BASE_URL_ENV}) and the network connection, then run again; nothing was downloaded or "
                      "indexed.")


def _changed(base: str, what: str) -> FetchError:
    return FetchError(f"Ofsted's report site at {base} no longer looks as this tool expects: {what}. Nothing was "
                      "downloaded or indexed from it. The README section 'Fetching reports from Ofsted' describes "
                      "the structure it was built against; the fetcher needs updating to the site's new pages.")


# ---- the capability ----------------------------------------------------------------------------------------------
def fetch(store, councils: list[str] | None = None, kinds: str | Iterable[str] = "inspections",
          since: str | date | None = None, dest: str | Path | None = None, base_url: str | None = None,
          progress: Progress | None = None, embedder_factory: Callable[[], object] | None = None,
          rate: float | None = None, attempts: int = 4, backoff: float = 0.5, timeout: float = 60.0,
          index_progress: bool = False) -> FetchResult:
    """Find every local authority children's services provider on Ofsted's site and its publications, download the
    chosen ones this folder does not have yet, index them into `store`, and say what was added.

    councils: names as users type them (resolved by retrieval/councils.py); kinds: inspections | visits | all
    (comma-separated for several); since: only publications Ofsted lists on or after this date. Raises FetchError
    when the site cannot be reached or its pages do not look as expected, ValueError for a bad argument.
    """
    from retrieval.councils import resolve_name
    from retrieval.indexer import index_paths

    wanted_kinds = _parse_kinds(kinds)
    since_date = parse_since(since)
    wanted = {resolve_name(c) for c in councils or []}
    base = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
    if not urlsplit(base).scheme.startswith("http") or not urlsplit(base).netloc:
        raise ValueError(f"--base-url {base!r} is not a web address (e.g. {DEFAULT_BASE_URL})")
    folder = Path(dest).resolve() if dest else default_dest(store)
    result = FetchResult(base_url=base, dest=str(folder))
    rate = rate if rate is not None else float(os.environ.get(RATE_ENV) or 3.0)
    tell = progress or (lambda stage, done, total, what: None)

    site = _Site(rate=rate, attempts=max(1, attempts), backoff=backoff, timeout=timeout)
    try:
        providers = _list_providers(site, base, tell)
        if wanted:
            missing = wanted - {p.council for p in providers}
            if missing:
                raise FetchError(f"no provider on Ofsted's report site at {base} matches {', '.join(sorted(missing))}"
                                 f" (the site lists {len(providers)} local authorities)")
            providers = [p for p in providers if p.council in wanted]
        result.providers = len(providers)
        pubs = _list_publications(site, base, providers, result, tell)
        seen: set[str] = set()
        for p in pubs:
            if p.file_id in seen or p.kind not in wanted_kinds or (p.format and p.format != "pdf"):
                continue
            if since_date and p.listed and p.listed < since_date.isoformat():
                continue
            seen.add(p.file_id)
            result.selected.append(p)
        folder.mkdir(parents=True, exist_ok=True)
        manifest = _Manifest(folder)
        _download(site, folder, manifest, result, tell)
    except (httpx.TransportError, _Busy) as e:
        raise _unreachable(base, e) from None
    finally:
        site.close()

    # index what this run chose and the index does not hold yet (also what an interrupted run left unindexed)
    held = {r.get("sha256"): r for r in store.reports()}
    todo: dict[str, Publication] = {}
    for p in result.selected:
        entry = manifest.files.get(p.file_id) or {}
        path = folder / entry.get("path", "")
        if entry.get("status") != "downloaded" or not path.is_file():
            continue
        rep = held.get(entry.get("sha256"))
        if rep is None:
            todo[str(path.resolve())] = p
            continue
        if p.listed and rep.get("published") != p.listed and _KIND_OF_REPORT.get(rep.get("kind")) == p.kind:
            # indexed from the same file before (from corpus/, an upload): it takes the date Ofsted lists it under
            store.redate(rep["report_id"], p.listed)
            result.redated.append((p, rep.get("published") or ""))
            rep["published"] = p.listed
        if entry.get("report_id") != rep.get("report_id") or entry.get("published") != rep.get("published"):
            manifest.put(p.file_id, {**entry, "report_id": rep.get("report_id"), "index_status": "indexed",
                                     "published": rep.get("published")})
    if todo:
        done = 0

        def on_outcome(o) -> None:
            nonlocal done
            pub = todo.get(str(Path(o.path).resolve()))
            if pub is None:
                return
            result.outcomes.append(o)
            entry = dict(manifest.files.get(pub.file_id) or {})
            entry.update(report_id=o.report_id or None, index_status=o.status, index_reason=o.reason or None,
                         published=o.published, published_read=o.published_read)
            manifest.put(pub.file_id, entry)
            try:
                gap = abs((date.fromisoformat(o.published_read) - date.fromisoformat(pub.listed)).days) \
                    if o.published_read and pub.listed else 0
            except ValueError:
                gap = 0
            if gap > DATE_TOLERANCE_DAYS:
                result.date_mismatches.append((pub, o.published_read))
            done += 1
            tell("index", done, len(todo), pub.describe())

        tell("index", 0, len(todo), "")
        index_paths(list(todo), store, embedder_factory=embedder_factory, progress=index_progress,
                    on_outcome=on_outcome, listed_dates={path: p.listed for path, p in todo.items() if p.listed})
    return result


def _list_providers(site: _Site, base: str, tell: Progress) -> list[Provider]:
    found: dict[str, Provider] = {}
    start = 0
    for page in range(MAX_SEARCH_PAGES):
        url = base + SEARCH.format(start=start, rows=ROWS)
        tell("search", page, 0, url)
        try:
            html = site.page(url)
        except _Refused as e:
            if page == 0:
                raise _changed(base, f"its search page {url} could not be read ({e})")
            break
        on_page = _providers(html, url)
        new = [p for p in on_page if p.urn not in found]
        if not new:
            if page == 0:
                raise _changed(base, f"its search page ({url}) lists no providers (no link to a /provider/ page)")
            break
        for p in new:
            found[p.urn] = p
        start += len(on_page)  # the next page starts after the results shown (the site may show fewer than asked)
    tell("search", len(found), len(found), f"{len(found)} providers")
    return sorted(found.values(), key=lambda p: p.council.lower())


def _list_publications(site: _Site, base: str, providers: list[Provider], result: FetchResult,
                       tell: Progress) -> list[Publication]:
    pubs: list[Publication] = []
    read = empty = 0
    for i, prov in enumerate(providers):
        tell("providers", i, len(providers), prov.council)
        try:
            html = site.page(prov.url)
        except (_Refused, _Busy) as e:  # one page the site cannot serve just now; a dead site fails on the search
            result.notes.append(f"{prov.council}: its provider page {prov.url} could not be read ({e})")
            continue
        read += 1
        found = _publications(html, prov)
        if not found:
            empty += 1
            result.notes.append(f"{prov.council}: no publications listed on {prov.url}")
        pubs.extend(found)
    tell("providers", len(providers), len(providers), "")
    if providers and read == 0:
        raise _changed(base, "none of its provider pages could be read")
    if read and empty == read:
        raise _changed(base, f"none of the {read} provider pages read lists a publication "
                             "(no <a class=\"publication-link\">)")
    result.listed = len(pubs)
    return pubs


def _download(site: _Site, folder: Path, manifest: _Manifest, result: FetchResult, tell: Progress) -> None:
    total = len(result.selected)
    for i, pub in enumerate(result.selected):
        tell("download", i, total, pub.describe())
        rel = Path(_slug(pub.council)) / f"{pub.file_id}.pdf"
        final = folder / rel
        entry = manifest.files.get(pub.file_id) or {}
        if final.is_file() and final.stat().st_size > 0:
            if entry.get("status") != "downloaded" or entry.get("path") != rel.as_posix():
                # on disk but not (or not rightly) in the manifest: a run interrupted between rename and record
                manifest.put(pub.file_id, _entry(pub, "downloaded", path=rel.as_posix(), bytes=final.stat().st_size,
                                                 sha256=_sha256(final)))
            result.already += 1
            continue
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            why = site.download(pub.url, final)
        except _Refused as e:
            result.failed.append((pub, str(e)))
            manifest.put(pub.file_id, _entry(pub, "failed", reason=str(e)))
            continue
        except (httpx.TransportError, _Busy) as e:
            # the site answered the listing but not this file, even after retries: keep going, say so
            why_failed = str(e) or type(e).__name__
            result.failed.append((pub, why_failed))
            manifest.put(pub.file_id, _entry(pub, "failed", reason=why_failed))
            continue
        if why:
            result.not_pdf.append((pub, why))
            manifest.put(pub.file_id, _entry(pub, "not_pdf", reason=why))
            continue
        result.downloaded.append(pub)
        manifest.put(pub.file_id, _entry(pub, "downloaded", path=rel.as_posix(), bytes=final.stat().st_size,
                                         sha256=_sha256(final)))
    tell("download", total, total, "")


__all__ = ["fetch", "FetchError", "FetchResult", "Publication", "default_dest", "parse_since", "kind_of"]
