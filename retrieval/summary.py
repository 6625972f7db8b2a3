"""A short written answer from the council's own language model, every sentence checked before it is shown.

Many councils run an approved model behind an OpenAI-compatible endpoint (Azure OpenAI, a local llama.cpp, vLLM or
Ollama server). Given one, `summarise` sends it the question and the top evidence paragraphs, numbered [n] with
their council, report date and paragraph number, asks for a short answer citing them, and streams back the
sentences that pass retrieval/checker.py. The extractive answer stays the default and the fallback: when the
endpoint is not configured, fails, is too slow or nothing it wrote survives the check, the summary says so in one
line and the caller shows the quoted answer as before. Nothing here raises for an endpoint's failure.

The API key is sent to the endpoint and nowhere else: it is masked in every repr, message and log line.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence
from urllib.parse import urlsplit

from retrieval.checker import Source, Verdict, check_stream, strip_citations
from retrieval.citation import long_date

log = logging.getLogger(__name__)

URL_ENV = "INSPECTIONS_LLM_URL"
MODEL_ENV = "INSPECTIONS_LLM_MODEL"
KEY_ENV = "INSPECTIONS_LLM_API_KEY"
TIMEOUT_ENV = "INSPECTIONS_LLM_TIMEOUT"
PARAGRAPHS_ENV = "INSPECTIONS_LLM_PARAGRAPHS"
MAX_TOKENS_ENV = "INSPECTIONS_LLM_MAX_TOKENS"
DEFAULT_TIMEOUT = 30.0     # seconds to connect, and to wait for each next piece of the answer
DEFAULT_PARAGRAPHS = 6     # the top evidence paragraphs sent (each is a card the answer can cite)
MAX_TOKENS = 350           # a short answer: four or five sentences
MASK = "***"

SYSTEM_PROMPT = (
    "You help officers in English councils read Ofsted inspection reports on children's services. Answer the "
    "question using only the numbered paragraphs you are given. Write a short answer of at most four sentences. "
    "End every sentence with the number of the paragraph it comes from in square brackets, for example [2] or "
    "[1][3]. Every number, percentage and council name you write must appear in the paragraph you cite. Do not "
    "add anything the paragraphs do not say. If the paragraphs do not answer the question, write one sentence "
    "saying so.")

STATUSES = ("ok", "nothing_survived", "error", "off")


@dataclass(frozen=True)
class Settings:
    """Where the written answer comes from. `url` empty means the option is off."""

    url: str = ""
    model: str = ""
    api_key: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT
    paragraphs: int = DEFAULT_PARAGRAPHS
    max_tokens: int = MAX_TOKENS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Settings from INSPECTIONS_LLM_URL, _MODEL, _API_KEY, _TIMEOUT (seconds), _PARAGRAPHS and _MAX_TOKENS;
        a number that is not one raises ValueError naming the variable (never its neighbours' values)."""
        env = os.environ if env is None else env
        return cls(url=(env.get(URL_ENV) or "").strip(), model=(env.get(MODEL_ENV) or "").strip(),
                   api_key=(env.get(KEY_ENV) or "").strip(),
                   timeout=_number(env, TIMEOUT_ENV, DEFAULT_TIMEOUT, float),
                   paragraphs=int(_number(env, PARAGRAPHS_ENV, DEFAULT_PARAGRAPHS, int)),
                   max_tokens=int(_number(env, MAX_TOKENS_ENV, MAX_TOKENS, int)))

    @property
    def configured(self) -> bool:
        return bool(self.url)

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL; a pasted full path ('.../v1/chat/completions') is cut back to its base."""
        url = self.url.rstrip("/")
        for tail in ("/chat/completions", "/completions"):
            if url.endswith(tail):
                url = url[: -len(tail)]
        return url

    @property
    def host(self) -> str:
        """Where text is sent, as a person reads it: the endpoint's host (and port), never its credentials."""
        try:
            parts = urlsplit(self.url)
            host = parts.hostname or ""
            return f"{host}:{parts.port}" if parts.port else host
        except ValueError:
            return ""

    def mask(self, text: str) -> str:
        """A message with the key (and any password in the URL) replaced by ***."""
        text = str(text)
        for secret in (self.api_key, _url_password(self.url)):
            if secret:
                text = text.replace(secret, MASK)
        return text

    def __repr__(self) -> str:
        key = MASK if self.api_key else ""
        return (f"Settings(url={self.mask(self.url)!r}, model={self.model!r}, api_key={key!r}, "
                f"timeout={self.timeout!r}, paragraphs={self.paragraphs!r})")


def _number(env: Mapping[str, str], name: str, default: float, kind: type) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name} must be a {'number of seconds' if kind is float else 'whole number'}, "
                         f"not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be more than 0, not {raw!r}")
    return value


def _url_password(url: str) -> str:
    try:
        return urlsplit(url).password or ""
    except ValueError:
        return ""


@dataclass
class Summary:
    """The written answer as shown: the sentences that passed the check, what was removed and why, and a one-line
    notice whenever the extractive answer stands instead."""

    status: str                          # "ok", "nothing_survived", "error" or "off"
    verdicts: list[Verdict] = field(default_factory=list)  # every sentence written, in order, with its verdict
    model: str | None = None
    notice: str = ""
    host: str = ""
    first_token_s: float | None = None   # seconds from sending to the first piece of text
    seconds: float = 0.0

    @property
    def kept(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.kept]

    @property
    def removed(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.kept]

    @property
    def text(self) -> str:
        return " ".join(v.sentence for v in self.kept)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "status": self.status,
                "removed": [{"sentence": v.sentence, "reason": v.why(), "rule": v.reason} for v in self.removed],
                "model": self.model, "notice": self.notice, "host": self.host or None}


class SummaryStream:
    """A written answer being received: iterate for each sentence's verdict as soon as it is checked (kept and
    removed, in the order written); `result()` finishes it and returns the Summary. It runs once."""

    def __init__(self, question: str, sources: list[Source], previous: tuple[str, str] | None,
                 settings: Settings, problem: str = ""):
        self.question = question
        self.sources = sources
        self.previous = previous
        self.settings = settings
        self.summary = Summary(status="off", model=settings.model or None, host=settings.host)
        self._problem = problem
        self._started = False
        self._done = False

    def __repr__(self) -> str:
        return f"SummaryStream(question={self.question!r}, sources={len(self.sources)}, settings={self.settings!r})"

    def __iter__(self) -> Iterator[Verdict]:
        if self._started:
            return
        self._started = True
        t0 = time.perf_counter()
        try:
            yield from self._run(t0)
        finally:
            self.summary.seconds = time.perf_counter() - t0
            self._done = True

    def kept(self) -> Iterator[str]:
        """Only the sentences that passed, as they pass (what st.write_stream and the terminal show)."""
        for v in self:
            if v.kept:
                yield v.sentence

    def result(self) -> Summary:
        for _ in self:
            pass
        return self.summary

    # ---- the exchange --------------------------------------------------------------------------------------------
    def _run(self, t0: float) -> Iterator[Verdict]:
        s = self.summary
        if not self.settings.configured:
            s.status = "off"
            s.notice = f"No language model is configured ({URL_ENV}): the quoted answer stands."
            return
        if self._problem:
            s.status = "error"
            s.notice = self.settings.mask(self._problem) + " The quoted answer stands."
            return
        if not self.sources:
            s.status = "nothing_survived"
            s.notice = "Nothing was found to write an answer from: the quoted answer stands."
            return
        try:
            for v in check_stream(self._chunks(t0), self.sources):
                s.verdicts.append(v)
                yield v
        except Exception as e:  # an endpoint's failure never fails the command: the quoted answer stands
            s.status = "error"
            s.notice = self._failure(e) + (" The sentences above passed the check;" if s.kept else "") + \
                " The quoted answer stands."
            log.warning("language model summary failed: %s", s.notice)
            return
        if s.kept:
            s.status = "ok"
            s.notice = (f"{len(s.removed)} sentence(s) removed by the check." if s.removed else "")
        else:
            s.status = "nothing_survived"
            n = len(s.removed)
            s.notice = (f"None of the {n} sentence(s) the language model wrote passed the check against the "
                        "paragraphs: the quoted answer stands." if n else
                        "The language model wrote nothing: the quoted answer stands.")

    def _client(self):
        from openai import OpenAI

        # the timeout bounds connecting and each wait for the next piece of the answer; no retries: a failed
        # endpoint falls back to the quoted answer at once
        return OpenAI(base_url=self.settings.base_url, api_key=self.settings.api_key or "not-needed",
                      timeout=self.settings.timeout, max_retries=0)

    def _chunks(self, t0: float) -> Iterator[str]:
        client = self._client()
        try:
            model = self.settings.model or _first_model(client)
            self.summary.model = model
            stream = client.chat.completions.create(
                model=model, messages=messages(self.question, self.sources, self.previous), stream=True,
                max_tokens=self.settings.max_tokens, temperature=0.2)
            with stream:
                for chunk in stream:
                    if not chunk.choices:
                        continue
                    piece = chunk.choices[0].delta.content or ""
                    if piece:
                        if self.summary.first_token_s is None:
                            self.summary.first_token_s = time.perf_counter() - t0
                        yield piece
        finally:
            client.close()

    def _failure(self, e: Exception) -> str:
        """What went wrong, in one line a person understands, with the key masked."""
        import openai

        host = self.settings.host or "the endpoint"
        if isinstance(e, openai.APITimeoutError):
            why = f"The language model at {host} did not answer within {self.settings.timeout:g} s."
        elif isinstance(e, openai.APIConnectionError):
            why = f"The language model at {host} could not be reached."
        elif isinstance(e, openai.APIStatusError):
            why = f"The language model at {host} answered with an error (HTTP {e.status_code})."
        elif isinstance(e, LookupError):
            why = f"The language model at {host} lists no model: set {MODEL_ENV}."
        else:
            why = f"The language model at {host} failed ({type(e).__name__}: {e})."
        return self.settings.mask(why)


def _first_model(client) -> str:
    for m in client.models.list():
        return m.id
    raise LookupError("no model")


# ---------------------------------------------------------------------------------------------------------------
# What is sent

def sources(evidence: Sequence[Any], limit: int = DEFAULT_PARAGRAPHS) -> list[Source]:
    """The top evidence paragraphs as sent, numbered as their evidence cards are ([1] is the first card)."""
    out = []
    for n, e in enumerate(list(evidence)[:limit], 1):
        d = e if isinstance(e, Mapping) else e.to_json()
        where = f"paragraph {d['paragraph']}" if d.get("paragraph") else f"page {d.get('page')}"
        date = long_date(d.get("published")) or "date unknown"
        header = f"{d.get('council')}, {d.get('title') or 'report'}, published {date}, {where}"
        out.append(Source(n=n, council=d.get("council") or "", published=d.get("published"),
                          paragraph=d.get("paragraph"), text=d.get("text") or "", header=header))
    return out


def messages(question: str, srcs: Sequence[Source], previous: tuple[str, str] | None = None) -> list[dict[str, str]]:
    """The chat sent to the endpoint: the rules, the previous turn (its citations stripped: they numbered other
    paragraphs), then the numbered paragraphs and the question."""
    out = [{"role": "system", "content": SYSTEM_PROMPT}]
    if previous and previous[0]:
        out.append({"role": "user", "content": previous[0]})
        if previous[1]:
            out.append({"role": "assistant", "content": strip_citations(previous[1])})
    paras = "\n\n".join(f"[{s.n}] {s.header}:\n{s.text}" for s in srcs)
    out.append({"role": "user", "content": f"Paragraphs:\n\n{paras}\n\nQuestion: {question}\n\n"
                                           "Answer in at most four sentences, each ending with its [n]."})
    return out


def summarise(question: str, evidence: Iterable[Any], previous: tuple[str, str] | None = None,
              settings: Settings | None = None) -> SummaryStream:
    """The written answer to a question from its evidence (Evidence objects or their JSON), checked sentence by
    sentence as it streams. `previous` is the last turn's (question, summary text) for a follow-up. Settings come
    from the environment unless given. Never raises for the endpoint: see Summary.status and Summary.notice."""
    problem = ""
    if settings is None:
        try:
            settings = Settings.from_env()
        except ValueError as e:
            problem = str(e)
            settings = Settings(url=(os.environ.get(URL_ENV) or "").strip(),
                                api_key=(os.environ.get(KEY_ENV) or "").strip())
    if settings.configured and not problem and urlsplit(settings.url).scheme not in ("http", "https"):
        problem = f"{URL_ENV} must be an http(s) address such as http://127.0.0.1:8080/v1."
    return SummaryStream(question, sources(list(evidence), settings.paragraphs), previous, settings, problem)
