"""Fetch from Ofsted against a local stand-in for the report site: pages built on the structure the fetcher was
written against (README, "Fetching reports from Ofsted") and real PDFs from corpus/."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import CORPUS, ROOT, run_cli

FAST = {"INSPECTIONS_FETCH_RATE": "200"}  # the real default is 3 requests a second
PDF = {
    "cambs2019": CORPUS / "ofsted" / "cambridgeshire" / "2019-02-18.pdf",
    "cambs2014": CORPUS / "ofsted" / "cambridgeshire" / "2014-08-08.pdf",
    "cbeds2022": CORPUS / "ofsted" / "central-bedfordshire" / "2022-03-04.pdf",
    "heref2022": CORPUS / "ofsted" / "herefordshire" / "2022-09-21.pdf",
}


class OfstedSite:
    """Search pages, provider pages and files as Ofsted serves them; records every request; faults on demand."""

    def __init__(self, providers: dict[str, tuple[str, list[tuple[str, str]]]], files: dict[str, bytes],
                 page_size: int = 2):
        self.providers = providers  # urn -> (name, [(file id, nonvisual label)])
        self.files = files  # file id -> bytes (an HTML page for a file served in place of a PDF)
        self.page_size = page_size  # the site may show fewer rows than asked for
        self.fail_once: set[str] = set()  # request paths (with query) that answer 500 the first time
        self.busy_once: dict[str, int] = {}  # request paths that answer 429 with this Retry-After the first time
        self.drop_once: set[str] = set()  # file ids whose first download is cut off half way
        self.stall: set[str] = set()  # file ids that send half and then wait (until `release` is set)
        self.release = threading.Event()
        self.stalled = threading.Event()
        self.provider_links = True
        self.publication_links = True
        self.requests: list[tuple[str, str]] = []  # (path with query, Range header)
        self.times: dict[str, list[float]] = {}  # path with query -> when each request for it came
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def file_requests(self, file_id: str) -> list[str]:
        return [rng for path, rng in self.requests if path == f"/v1/file/{file_id}"]

    def search_page(self, query: dict[str, list[str]]) -> str:
        start, rows = int(query["start"][0]), min(int(query["rows"][0]), self.page_size)
        items = []
        for urn, (name, _) in list(self.providers.items())[start:start + rows]:
            link = f'<a href="/provider/44/{urn}">{name}</a>' if self.provider_links else f"<strong>{name}</strong>"
            items.append(f'<li class="search-result"><h3 class="search-result__title">{link}</h3>'
                         f'<p class="search-result__address">Local authority children\'s services</p></li>')
        return ('<!DOCTYPE html><html><head><title>Find an inspection report</title></head><body>'
                '<a href="/">Ofsted</a><a href="/search">Search</a>'
                f'<ul class="results-list">{"".join(items)}</ul></body></html>')

    def provider_page(self, urn: str) -> str:
        name, pubs = self.providers[urn]
        items = []
        for file_id, label in pubs:
            cls = "publication-link" if self.publication_links else "link"
            items.append(f'<li><a class="{cls}" href="{self.url}/v1/file/{file_id}">'
                         f'{label.split(",")[0]}<span class="nonvisual">{label}</span></a></li>')
        return (f"<!DOCTYPE html><html><head><title>{name}</title></head><body><h1>{name}</h1>"
                f'<ul class="publication-list">{"".join(items)}</ul></body></html>')

    def handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                rng = self.headers.get("Range", "")
                with site.lock:
                    site.requests.append((self.path if parts.query else parts.path, rng))
                    site.times.setdefault(self.path, []).append(time.monotonic())
                    if self.path in site.fail_once:
                        site.fail_once.discard(self.path)
                        return self.send(500, b"<html><body>Internal error</body></html>", "text/html")
                    if self.path in site.busy_once:
                        wait = site.busy_once.pop(self.path)
                        return self.send(429, b"<html><body>Too many requests</body></html>", "text/html",
                                         {"Retry-After": str(wait)})
                if parts.path == "/search":
                    return self.send(200, site.search_page(parse_qs(parts.query, keep_blank_values=True)).encode(),
                                     "text/html; charset=utf-8")
                if parts.path.startswith("/provider/"):
                    urn = parts.path.rstrip("/").rsplit("/", 1)[1]
                    if urn in site.providers:
                        return self.send(200, site.provider_page(urn).encode(), "text/html; charset=utf-8")
                if parts.path.startswith("/v1/file/"):
                    file_id = parts.path.rsplit("/", 1)[1]
                    if file_id in site.files:
                        return self.file(file_id, site.files[file_id], rng)
                return self.send(404, b"<html><body>Not found</body></html>", "text/html")

            def file(self, file_id: str, data: bytes, rng: str) -> None:
                if not data.startswith(b"%PDF"):
                    return self.send(200, data, "text/html; charset=utf-8")
                start = int(rng[len("bytes="):].split("-")[0]) if rng.startswith("bytes=") else 0
                body = data[start:]
                self.send_response(206 if start else 200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Accept-Ranges", "bytes")
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                half = len(body) // 2
                with site.lock:
                    cut = file_id in site.drop_once
                    site.drop_once.discard(file_id)
                    stall = file_id in site.stall
                if cut or stall:
                    self.wfile.write(body[:half])
                    self.wfile.flush()
                    if stall:
                        site.stalled.set()
                        site.release.wait(60)
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(body)

        return Handler

    @contextmanager
    def running(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.daemon_threads = True
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release.set()
            self.server.shutdown()
            self.server.server_close()
            thread.join(timeout=10)


def standard_site() -> OfstedSite:
    """Three councils (one with a second, older report, a focused visit and another document; one whose latest
    'PDF' is an HTML page) and a council with nothing published yet, named as Ofsted names providers."""
    providers = {
        "80445": ("Cambridgeshire County Council", [
            ("50071234", "Children's services inspection, pdf - 18 February 2019"),
            ("50081111", "Focused visit, pdf - 21 March 2023"),
            ("50090001", "Annual performance assessment letter, pdf - 10 December 2008"),
            ("40031234", "Children's services inspection, pdf - 8 August 2014"),
        ]),
        "80446": ("Central Bedfordshire Council", [
            ("50190000", "Children's services inspection, pdf - 4 March 2022"),
            ("50190001", "Children's services inspection, pdf - 11 June 2024"),
        ]),
        "80469": ("Herefordshire Council", [("50200000", "Children's services inspection, pdf - 21 September 2022")]),
        "2733690": ("Cumberland Council", []),
    }
    files = {
        "50071234": PDF["cambs2019"].read_bytes(),
        "50081111": PDF["cambs2019"].read_bytes(),  # same bytes under another listing: the index has it already
        "50090001": PDF["cambs2019"].read_bytes(),
        "40031234": PDF["cambs2014"].read_bytes(),
        "50190000": PDF["cbeds2022"].read_bytes(),
        "50190001": b"<!DOCTYPE html><html><head><title>Sign in - Ofsted</title></head><body>Please sign in</body>"
                    b"</html>",
        "50200000": PDF["heref2022"].read_bytes(),
    }
    return OfstedSite(providers, files)


def fetch_cli(site_url: str, tmp: Path, *extra: str, process: bool = False):
    return run_cli("fetch", "--base-url", site_url, "--index", str(tmp / "idx"), "--dest", str(tmp / "dl"), *extra,
                   env=FAST, process=process)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """One site and one index for the module: the first fetch (with a 500 on the first search page and a download
    cut off half way), then a second fetch on the same site."""
    tmp = tmp_path_factory.mktemp("fetch")
    site = standard_site()
    with site.running():
        first_search = "/search?q=&location=&lat=&lon=&radius=&level_1_types=3&level_2_types%5B%5D=12&start=0&rows=100"
        site.fail_once.add(first_search)
        site.drop_once.add("50200000")
        site.busy_once["/provider/44/80469"] = 2
        first = fetch_cli(site.url, tmp, "--since", "2015-01-01", "--json")
        seen_first = list(site.requests)
        site.requests.clear()
        second = fetch_cli(site.url, tmp, "--since", "2015-01-01")
        seen_second = list(site.requests)
        site.requests.clear()
        visits = fetch_cli(site.url, tmp, "--kinds", "visits", "--json")
        seen_visits = list(site.requests)
        site.requests.clear()
        (tmp / "dl" / "manifest.json").unlink()  # lost: the files on disk are enough to know what is here
        lost = fetch_cli(site.url, tmp, "--since", "2015-01-01", "--json")
        seen_lost = list(site.requests)
    return {"tmp": tmp, "first": first, "second": second, "visits": visits, "requests": seen_first,
            "requests_second": seen_second, "requests_visits": seen_visits, "first_search": first_search,
            "times": site.times, "lost": lost, "requests_lost": seen_lost}


def _requests_for(requests, file_id: str) -> list[str]:
    return [rng for path, rng in requests if path == f"/v1/file/{file_id}"]


def test_first_run_adds_the_reports(first_run):
    p = first_run["first"]
    assert p.returncode == 0, p.stdout + p.stderr
    res = json.loads(p.stdout)
    assert res["providers"] == 4 and res["listed"] == 7
    assert sorted(a["council"] for a in res["added"]) == ["Cambridgeshire", "Central Bedfordshire", "Herefordshire"]
    assert all(a["published"] and a["paragraphs"] > 20 for a in res["added"]), res
    reports = json.loads(run_cli("reports", "--index", str(first_run["tmp"] / "idx"), "--json").stdout)
    assert sorted(r["council"] for r in reports) == ["Cambridgeshire", "Central Bedfordshire", "Herefordshire"]
    assert all(r["kind"] == "ofsted_inspection" for r in reports)
    # the listed date is kept beside each file, for ingest's date to be checked against
    manifest = json.loads((first_run["tmp"] / "dl" / "manifest.json").read_text())["files"]
    assert manifest["50190000"]["listed"] == "2022-03-04" and manifest["50190000"]["status"] == "downloaded"
    assert manifest["50190000"]["published"] == "2022-03-04" and manifest["50190000"]["report_id"]
    assert (first_run["tmp"] / "dl" / manifest["50190000"]["path"]).read_bytes() == PDF["cbeds2022"].read_bytes()
    # the filters: inspections only (no visit, no other document), nothing listed before --since
    for file_id in ("50081111", "50090001", "40031234"):
        assert not _requests_for(first_run["requests"], file_id)
    # the site shows two providers a page: every page was read until one brought nobody new
    starts = [path for path, _ in first_run["requests"] if path.startswith("/search")]
    assert [s.rsplit("start=", 1)[1].split("&")[0] for s in starts] == ["0", "0", "2", "4"]


def test_a_fetched_report_is_published_on_the_date_ofsted_lists(first_run):
    """Cambridgeshire's 2019 PDF was re-made on 2019-03-22, five weeks after Ofsted published it (listed 18 February
    2019): read from the file alone it dates to 2019-03-25. Fetched, it carries the listed date, and fetch says the
    file's own date differed."""
    res = json.loads(first_run["first"].stdout)
    cambs = [a for a in res["added"] if a["council"] == "Cambridgeshire"]
    assert [a["published"] for a in cambs] == ["2019-02-18"]
    assert [(m["file_id"], m["listed"], m["published_read"]) for m in res["date_mismatches"]] == \
        [("50071234", "2019-02-18", "2019-03-25")]
    reports = json.loads(run_cli("reports", "--index", str(first_run["tmp"] / "idx"), "--json").stdout)
    assert sorted((r["council"], r["published"]) for r in reports) == \
        [("Cambridgeshire", "2019-02-18"), ("Central Bedfordshire", "2022-03-04"), ("Herefordshire", "2022-09-21")]
    manifest = json.loads((first_run["tmp"] / "dl" / "manifest.json").read_text())["files"]
    assert manifest["50071234"]["published"] == "2019-02-18"  # (this manifest was rebuilt from the files on disk)
    second = first_run["second"].stdout
    assert "DATE" not in second  # nothing new indexed, nothing to say


def test_a_500_is_retried_after_a_pause(first_run):
    searches = [path for path, _ in first_run["requests"] if path == first_run["first_search"]]
    assert len(searches) == 2  # 500, then the page
    first, again = first_run["times"][first_run["first_search"]][:2]
    assert again - first >= 0.4  # exponential backoff, not a hammering loop


def test_a_429_waits_as_long_as_retry_after_says(first_run):
    times = first_run["times"]["/provider/44/80469"]
    assert len(times) >= 2 and times[1] - times[0] >= 1.9


def test_a_download_cut_off_resumes_where_it_stopped(first_run):
    ranges = _requests_for(first_run["requests"], "50200000")
    size = PDF["heref2022"].stat().st_size
    assert len(ranges) == 2 and ranges[0] == "" and ranges[1].startswith("bytes=")
    kept_before = int(ranges[1][len("bytes="):-1])
    assert size // 4 < kept_before <= size // 2  # the second request asks only for what had not arrived
    manifest = json.loads((first_run["tmp"] / "dl" / "manifest.json").read_text())["files"]
    kept = (first_run["tmp"] / "dl" / manifest["50200000"]["path"]).read_bytes()
    assert hashlib.sha256(kept).hexdigest() == hashlib.sha256(PDF["heref2022"].read_bytes()).hexdigest()
    assert not list((first_run["tmp"] / "dl").rglob("*.part"))


def test_an_html_page_in_place_of_a_pdf_is_reported_not_indexed(first_run):
    res = json.loads(first_run["first"].stdout)
    assert [(x["file_id"], x["council"]) for x in res["not_pdf"]] == [("50190001", "Central Bedfordshire")]
    assert "HTML page" in res["not_pdf"][0]["reason"] and "Sign in" in res["not_pdf"][0]["reason"]
    assert not list((first_run["tmp"] / "dl").rglob("50190001*"))
    assert "NOT A PDF" in first_run["second"].stdout and "50190001" in first_run["second"].stdout


def test_a_second_run_adds_nothing(first_run):
    p = first_run["second"]
    assert p.returncode == 0, p.stdout + p.stderr
    assert "0 downloaded (3 already here); 0 reports added to the index" in p.stdout
    for file_id in ("50071234", "50190000", "50200000"):
        assert not _requests_for(first_run["requests_second"], file_id)


def test_a_lost_manifest_is_rebuilt_from_the_files_without_downloading_again(first_run):
    p = first_run["lost"]
    assert p.returncode == 0, p.stdout + p.stderr
    res = json.loads(p.stdout)
    assert res["downloaded"] == [] and res["already"] == 3 and res["added"] == []
    assert not [path for path, _ in first_run["requests_lost"] if path.startswith("/v1/file/")
                and path != "/v1/file/50190001"]  # only the HTML page is asked for again
    manifest = json.loads((first_run["tmp"] / "dl" / "manifest.json").read_text())["files"]
    assert {k for k, v in manifest.items() if v["status"] == "downloaded"} == {"50071234", "50190000", "50200000"}
    assert manifest["50200000"]["listed"] == "2022-09-21"


def test_visits_are_fetched_when_asked_for(first_run):
    p = first_run["visits"]
    assert p.returncode == 0, p.stdout + p.stderr
    res = json.loads(p.stdout)
    assert [(x["file_id"], x["kind"], x["listed"]) for x in res["downloaded"]] == \
        [("50081111", "visit", "2023-03-21")]
    assert res["added"] == []  # the same bytes as a report already indexed
    assert res["redated"] == []  # listed as a visit: the inspection report it matches keeps its date
    assert _requests_for(first_run["requests_visits"], "50081111") == [""]
    assert not _requests_for(first_run["requests_visits"], "50071234")


def test_a_report_indexed_from_its_file_takes_the_listed_date_when_fetched(tmp_path):
    """The usual path: corpus/ (or an upload) indexed first, then Ofsted fetched. The same file is not indexed
    twice, but the report takes the date Ofsted lists it under, everywhere the date is shown or filtered on."""
    idx = str(tmp_path / "idx")
    run_cli("ingest", str(PDF["cambs2019"]), "--index", idx, "-q", check=True)
    before = json.loads(run_cli("reports", "--index", idx, "--json").stdout)
    assert [r["published"] for r in before] == ["2019-03-25"]  # from the file: made five weeks after publication
    from retrieval.search import Searcher
    from retrieval.store import Store

    app_searcher = Searcher(Store(idx))  # a long-running reader (the app) open while the fetch runs
    assert app_searcher.reports[before[0]["report_id"]]["published"] == "2019-03-25"
    site = OfstedSite({"80445": ("Cambridgeshire County Council", [
        ("50071234", "Children's services inspection, pdf - 18 February 2019")])}, {"50071234": PDF["cambs2019"].read_bytes()})
    with site.running():
        first = fetch_cli(site.url, tmp_path, "--json")
        second = fetch_cli(site.url, tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    res = json.loads(first.stdout)
    assert res["added"] == [] and [(r["file_id"], r["published_before"]) for r in res["redated"]] == \
        [("50071234", "2019-03-25")]
    rid = before[0]["report_id"]
    assert [r["published"] for r in json.loads(run_cli("reports", "--index", idx, "--json").stdout)] == ["2019-02-18"]
    recs = json.loads(run_cli("recommendations", "--council", "Cambridgeshire", "--index", idx, "--json").stdout)
    assert recs and {r["published"] for r in recs} == {"2019-02-18"}
    ans = json.loads(run_cli("ask", "care leavers in Cambridgeshire in February 2019", "--index", idx, "--json").stdout)
    assert ans["evidence"] and {e["published"] for e in ans["evidence"]} == {"2019-02-18"}
    assert {e["report_id"] for e in ans["evidence"]} == {rid}
    app_searcher.refresh()  # what every question does first: the new date without a restart
    assert app_searcher.reports[rid]["published"] == "2019-02-18"
    assert "REDATED" not in second.stdout and "already indexed given" not in second.stdout  # once is enough


def test_an_unreachable_site_is_a_clear_error(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    p = fetch_cli(f"http://127.0.0.1:{port}", tmp_path)
    assert p.returncode == 1
    assert "cannot reach Ofsted's report site" in p.stderr and "--base-url" in p.stderr
    assert not (tmp_path / "dl").exists()
    assert not (tmp_path / "idx").exists()  # no empty index folder left behind


@pytest.mark.parametrize("change", ["provider_links", "publication_links"])
def test_a_changed_site_is_a_clear_error(tmp_path, change):
    site = standard_site()
    setattr(site, change, False)
    with site.running():
        p = fetch_cli(site.url, tmp_path)
    assert p.returncode == 1
    assert "no longer looks as this tool expects" in p.stderr
    assert ("lists no providers" if change == "provider_links" else "lists a publication") in p.stderr
    assert not list(tmp_path.rglob("*.pdf"))


def test_an_unknown_council_is_named(tmp_path):
    site = standard_site()
    with site.running():
        p = fetch_cli(site.url, tmp_path, "--council", "Barnet")
    assert p.returncode == 1 and "Barnet" in p.stderr and "no provider" in p.stderr


def test_ctrl_c_mid_download_stops_cleanly_and_the_next_run_carries_on(tmp_path):
    site = OfstedSite({"80469": ("Herefordshire Council", [
        ("50200000", "Children's services inspection, pdf - 21 September 2022")])},
        {"50200000": PDF["heref2022"].read_bytes()})
    site.stall.add("50200000")
    with site.running():
        env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1", **FAST)
        env.pop("CHROMA_HOST", None)
        proc = subprocess.Popen([sys.executable, "-m", "app.cli", "fetch", "--base-url", site.url, "--index",
                                 str(tmp_path / "idx"), "--dest", str(tmp_path / "dl")], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert site.stalled.wait(120), "the download never started"
            part = tmp_path / "dl" / "herefordshire" / "50200000.pdf.part"
            end = time.monotonic() + 30
            while not (part.exists() and part.stat().st_size > 0) and time.monotonic() < end:
                time.sleep(0.05)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 130, out + err
        assert "interrupted" in err and "Traceback" not in err
        have = part.stat().st_size
        assert 0 < have < PDF["heref2022"].stat().st_size
        site.stall.clear()
        site.requests.clear()
        p = fetch_cli(site.url, tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert site.file_requests("50200000") == [f"bytes={have}-"]
    assert "1 downloaded (0 already here); 1 reports added to the index" in p.stdout
    kept = tmp_path / "dl" / "herefordshire" / "50200000.pdf"
    assert kept.read_bytes() == PDF["heref2022"].read_bytes()


def test_library_panel_gets_reports_with_a_progress_bar(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    site = OfstedSite({"80469": ("Herefordshire Council", [
        ("50200000", "Children's services inspection, pdf - 21 September 2022")])},
        {"50200000": PDF["heref2022"].read_bytes()})
    monkeypatch.setenv("INSPECTIONS_INDEX", str(tmp_path / "idx"))
    monkeypatch.setenv("INSPECTIONS_FETCH_RATE", FAST["INSPECTIONS_FETCH_RATE"])
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    with site.running():
        at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=240)
        at.run()
        at.switch_page("views/library.py").run()
        assert not at.exception
        assert any(e.label == "Get reports from Ofsted" for e in at.expander)
        next(t for t in at.text_input if t.label == "Report site").set_value(site.url).run()
        next(b for b in at.button if b.label == "Get reports").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success] == \
        ["Last run: 1 providers, 1 publications listed, 1 chosen; 1 downloaded (0 already here); "
         "1 reports added to the index."]
    added = at.dataframe[-1].value
    assert list(added["Council"]) == ["Herefordshire"]
    assert (tmp_path / "idx" / "ofsted" / "herefordshire" / "50200000.pdf").is_file()
    assert site.file_requests("50200000") == [""]
    assert len(at.dataframe) >= 2  # the library's table now lists the report as well


@pytest.mark.parametrize("title, kind", [
    ("Children's services inspection", "inspection"),
    ("Children’s services inspection", "inspection"),
    ("Inspection of local authority children's services", "inspection"),
    ("Safeguarding and looked after children services", "inspection"),
    ("Focused visit", "visit"),
    ("Monitoring visit", "visit"),
    ("Joint targeted area inspection", "visit"),
    ("Local area SEND inspection: outcomes for children and young people", "other"),
    ("Inspection of local authority contact, referral and assessment arrangements", "other"),
    ("Annual performance assessment letter", "other"),
])
def test_kinds_from_the_listed_names(title, kind):
    from retrieval.fetch import kind_of

    assert kind_of(title) == kind


def test_ctrl_c_while_indexing_stops_cleanly_and_the_next_run_indexes_the_rest(tmp_path):
    """A long fetch + ingest: Ctrl-C while the downloaded reports are being parsed stops everything (no worker left,
    no traceback); the next run downloads nothing and indexes what was not indexed yet."""
    from test_workers import _children, _cmdline, _gone_within, _running

    big = {"40031234": PDF["cambs2014"], "40041234": CORPUS / "ofsted" / "herefordshire" / "2014-06-30.pdf",
           "40051234": CORPUS / "ofsted" / "north-tyneside" / "2017-06-13.pdf"}
    site = OfstedSite({"80445": ("Cambridgeshire County Council", [
        ("40031234", "Children's services inspection, pdf - 8 August 2014")]),
        "80469": ("Herefordshire Council", [("40041234", "Children's services inspection, pdf - 30 June 2014")]),
        "80496": ("North Tyneside Council", [("40051234", "Children's services inspection, pdf - 13 June 2017")])},
        {k: v.read_bytes() for k, v in big.items()})
    with site.running():
        env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1", **FAST)
        env.pop("CHROMA_HOST", None)
        proc = subprocess.Popen([sys.executable, "-m", "app.cli", "fetch", "--base-url", site.url, "--index",
                                 str(tmp_path / "idx"), "--dest", str(tmp_path / "dl")], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        workers: list[int] = []
        try:
            end = time.monotonic() + 180
            while not workers and time.monotonic() < end and proc.poll() is None:
                workers = [c for c in _children(proc.pid) if "spawn_main" in _cmdline(c) and _running(c)]
                time.sleep(0.05)
            assert workers, "the indexing never started"
            time.sleep(1.0)
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole group
            t = time.monotonic()
            out, err = proc.communicate(timeout=120)
            assert time.monotonic() - t < 30, "Ctrl-C took more than 30 s to stop the fetch"
        finally:
            if proc.poll() is None:
                proc.kill()
            for p in workers:
                if _running(p) and "multiprocessing" in _cmdline(p):
                    os.kill(p, signal.SIGKILL)
        assert proc.returncode == 130, out + err
        assert "interrupted" in err and "Traceback" not in err, err
        assert not _gone_within(workers, 5)
        site.requests.clear()
        p = fetch_cli(site.url, tmp_path, "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    res = json.loads(p.stdout)
    assert res["downloaded"] == [] and res["already"] == 3
    assert not [path for path, _ in site.requests if path.startswith("/v1/file/")]
    reports = json.loads(run_cli("reports", "--index", str(tmp_path / "idx"), "--json").stdout)
    assert sorted(r["council"] for r in reports) == ["Cambridgeshire", "Herefordshire", "North Tyneside"]
