"""Every recommendation a report makes, each on its own, worded as printed, with timescale, owner and group.

Officers track what a report told their council to improve, so an invented, merged or truncated recommendation is
worse than none. The lists come in a handful of printed layouts, all handled by one list reader:
- 2012-2013 (SLAC and looked-after-children inspections): "Areas for improvement", a numbered paragraph that
  introduces the list ("24. In order to improve ... should take the following action."), then bullets under
  "Immediately:" / "Within three months:" / "Within six months:"; other agencies are named as the subject
  ("NHS Bedfordshire and Luton should ensure ...").
- 2014-2015 (single inspection framework): "What does the local authority need to improve?" and "What does the LSCB
  need to improve?", each with "Priority and immediate action" and "Areas for improvement", numbered paragraphs
  (sometimes bullets) and optional group headings ("Care leavers").
- 2016-2017: numbered "Recommendations" for the local authority and again in the LSCB review.
- 2018-2025 (ILACS): "What needs to improve?" bullets, worded as noun phrases.
- council reports: the formal recommendations they quote, and the recommendation put to the meeting (kind
  "council decision").
The reader works on the document's own page text: running headers, page numbers and footnotes are removed here
(`body_lines`) rather than relying on another module, so a list that crosses a page break comes out whole.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.models import Document, Recommendation

# --------------------------------------------------------------------------------------------------------------
# Page text -> body lines
# --------------------------------------------------------------------------------------------------------------


@dataclass
class Line:
    """One non-blank line of body text: where it is, and whether a blank line preceded it (a paragraph break in
    plain-text sources)."""

    text: str
    page: int
    blank_before: bool = False


_MD = re.compile(r"\*\*|__|<[^>]{1,40}>|(?<!\S)\*(?=\S)|(?<=\S)\*(?!\S)")


def _clean(text: str) -> str:
    """A line without markdown emphasis, heading hashes, HTML tags and surplus whitespace (the seed documents are
    Word/PDF conversions that keep such marks)."""
    s = _MD.sub("", text.replace("\t", " ").replace("\u00a0", " "))
    s = re.sub(r"^#{1,6}\s+", "", s.strip())
    return re.sub(r"\s+", " ", s).strip()


def _edge_key(text: str) -> str:
    """Running headers repeat with only the page number or date changing."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def _footnote_start(lines: list[str]) -> int | None:
    """Index where a page's footnote block starts: pypdf prints the footnote rule as a run of spaces, followed by
    numbered notes."""
    for i in range(len(lines) - 1, -1, -1):
        if len(lines[i]) >= 15 and not lines[i].strip():
            rest = [x for x in lines[i + 1:] if x.strip()]
            if rest and re.match(r"^\s*\d{1,2}\s+\S", rest[0]):
                return i
    return None


def body_lines(doc: Document) -> list[Line]:
    """The document's text as non-blank lines with page numbers, running headers/footers, bare page numbers and
    footnotes removed.

    A header is a line that sits among the first or last few lines of many pages once digits are ignored
    ("Inspection of X local authority children's services" / "17 to 21 January 2022 2", "Kent County Council
    Inspection of looked after children services").
    """
    pages = [(p.number, p.text.split("\n")) for p in doc.pages]
    repeated: set[str] = set()
    if len(pages) >= 3:
        counts: Counter[str] = Counter()
        for _, lines in pages:
            nonblank = [x for x in lines if x.strip()]
            counts.update({_edge_key(x) for x in nonblank[:4] + nonblank[-3:]})
        need = max(3, int(0.3 * len(pages)))
        repeated = {k for k, c in counts.items() if c >= need and re.search(r"[a-z]{3}", k)}
    out: list[Line] = []
    for number, lines in pages:
        if len(pages) > 1:
            cut = _footnote_start(lines)
            if cut is not None:
                lines = lines[:cut]
        idx = [i for i, x in enumerate(lines) if x.strip()]
        drop: set[int] = set()
        if len(pages) > 1:
            for pos in idx[:4] + idx[-3:]:
                s = lines[pos].strip()
                if re.fullmatch(r"\d{1,3}", s) or _edge_key(s) in repeated:
                    drop.add(pos)
        blank = True
        for i, raw in enumerate(lines):
            if i in drop:
                continue
            s = _clean(raw)
            if not s or (len(s) == 1 and s in MAIN_BULLETS and s not in "-*"):
                blank = True  # a stray bullet glyph on a line of its own carries no text
                continue
            out.append(Line(s, number, blank))
            blank = False
    return out


# --------------------------------------------------------------------------------------------------------------
# Line shapes
# --------------------------------------------------------------------------------------------------------------

GRADE_WORDS = r"(?:outstanding|good|requires? improvement(?: to be good)?|adequate|inadequate)"

MAIN_BULLETS = "\uf06e\u25fc\uf0a7\uf0b7\u2022\u25aa\u25cf\u25a0\uf0d8\uf076\u27a2\u2023\u2043-*"
SUB_BULLETS = "\uf02d\u2013\u2212\u2014\u25e6\u2015o"
_BULLET = re.compile(rf"^[{re.escape(MAIN_BULLETS)}]\s*(?=\S)(.*)$")
_SUB_BULLET = re.compile(rf"^[{re.escape(SUB_BULLETS[:-1])}]\s*(?=\S)(.*)$|^o\s+(.*)$")
_NUM = re.compile(r"^(?:[-*\u2022]\s+)?(\d{1,3})[.)]\s+(\S.*)$")
_DOTTED = re.compile(r"^(?:[-*\u2022]\s+)?(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(\S.*)$")
_LETTER = re.compile(r"^(?:[-*\u2022]\s+)?\(([a-z]|[ivx]{1,4})\)\s+(\S.*)$")

_TIMESCALE = re.compile(
    r"^(immediately|within (?:one|two|three|four|six|nine|twelve|[0-9]{1,2}) (?:weeks?|months?)|"
    r"within (?:one|a) year|priority and immediate actions?|areas? for (?:improvement|development)|"
    r"recommendations? for improvement)\s*:?$", re.I)
_NUMBER_WORDS = {"1": "one", "2": "two", "3": "three", "4": "four", "6": "six", "9": "nine", "12": "twelve"}

_ILACS_HEAD = re.compile(r"^what needs to improve(?: in this area)?\??:?\s*\d?\s*$", re.I)
_IMPROVE_HEAD = re.compile(r"^what does the (?:local authority|la|council|lscb|board|[a-z ]{2,40}board) "
                           r"need to improve\??\s*$", re.I)
_AFI_HEAD = re.compile(r"^areas? for improvement\s*:?$", re.I)
_PRIORITY_HEAD = re.compile(r"^priority and immediate actions?\s*:?$", re.I)
_RECS_HEAD = re.compile(r"^recommendations?\s*:?$", re.I)

_GRADED_HEADING = re.compile(rf":\s*{GRADE_WORDS}\s*$", re.I)  # "The experiences and progress of ...: good"
# Headings that follow recommendation lists in the reports: the list has ended.
_STOP = re.compile(
    r"^(key strengths and weaknesses|information about this|summary for children|inspection findings|"
    r"summary of key findings|inspection judge?ments?|what the inspection judge?ments mean|executive summary|"
    r"section \d+\s*:|the (?:lscb|local safeguarding children board)[’']s? strengths|how good are outcomes|contents$|"
    r"reasons? for (?:the )?recommendations?|alternative options|the experiences and progress|"
    r"the impact of leaders|overall effectiveness|capacity (?:for|to) improve|what does the|what needs to improve|"
    r"background|appendi(?:x|ces)|the local authority$|the lscb$|progress since|"
    r"(?:the )?(?:[\w’']+ ){0,3}[\w’']+[’']s? strengths\b|(?:key )?strengths\b|grade [1-4]\b)", re.I)


def _is_stop(text: str) -> bool:
    """A heading that ends a list. Headings are capitalised, so a wrapped line of an item ("facilitate a broader
    understanding of strengths ...") never counts."""
    return text[:1].isupper() and (_STOP.match(text) is not None or _GRADED_HEADING.search(text) is not None
                                   or _ILACS_HEAD.match(text) is not None or _IMPROVE_HEAD.match(text) is not None)


_NOTHING = re.compile(r"^there (?:are|is|were) no (?:areas|recommendations|priority|immediate|further)", re.I)

# The verbs Ofsted's recommendations open with (imperative mood), so a list can be told from the numbered findings
# paragraphs that follow it under the next heading.
_IMPERATIVES = set("""
accelerate act address adopt agree align analyse apply appoint assess assure audit build challenge check clarify collate
collect commission complete conclude confirm consider consolidate continue co-ordinate coordinate create define
deliver demonstrate design develop embed enable encourage engage enhance ensure establish evaluate expand explore
extend finalise focus give hold identify implement improve increase inform introduce involve keep launch listen
maintain make monitor offer oversee plan prioritise produce promote prompt provide publish put raise reduce
re-launch refresh reinforce report require resolve respond review revise scrutinise secure seek set share specify
streamline strengthen support sustain take target track undertake update use utilise work
prevent recruit attend avoid broaden capture communicate conduct determine disseminate document eliminate empower
equip evidence examine facilitate fulfil gather help invest invite lead learn measure minimise mitigate notify obtain
organise pursue reach recognise reconfigure record reflect reinstate reorganise replace restructure retain revisit
safeguard scope see sharpen simplify stabilise standardise submit supervise tackle test tighten train understand
widen re-establish reassess re-audit redesign reinvigorate rationalise remove ask
""".split())
_ADVERBS = {"further", "fully", "urgently", "rapidly", "swiftly", "routinely", "consistently", "continue", "always",
            "jointly", "regularly", "better", "also", "with", "where", "through", "as", "in", "by", "when"}
_INTRO = re.compile(r"^(in order to|to improve|the (local authority|council)\b.{0,120}\bshould take the following)",
                    re.I)
_MODAL = re.compile(r"\b(should|must|(?<!the )(?<!a )(?<!no )needs? to|is required to|are required to)\b", re.I)


def _continues(lines: list[Line], k: int, last_no: str | None) -> bool:
    """After a heading inside a list, does the numbered line at lines[k] carry on the list? Yes if it reads as an
    instruction, or if it takes the next number and one of the next two numbered paragraphs reads as one (a
    recommendation opening with a verb this module does not list is still followed by ones that do); findings
    paragraphs under the report's next heading never do."""
    st = _item_start(lines[k].text)
    if st is None:
        return False
    if _rec_like(st.text):
        return True
    if not (st.number and last_no and st.number.isdigit() and last_no.isdigit()
            and int(st.number) == int(last_no) + 1):
        return False
    want = {str(int(st.number) + 1), str(int(st.number) + 2)}
    for ln in lines[k + 1:k + 16]:
        nxt = _item_start(ln.text)
        if nxt is not None and nxt.number in want:
            return _rec_like(nxt.text)
    return False


def _first_word(text: str) -> str:
    m = re.match(r"[A-Za-z][A-Za-z\-]*", text)
    return m.group(0).lower() if m else ""


def _rec_like(text: str) -> bool:
    """Does this text read like a recommendation (an instruction) rather than a finding?"""
    w = _first_word(text)
    if w in _IMPERATIVES:
        return True
    if w in _ADVERBS:
        words = re.findall(r"[A-Za-z\-]+", text)[:6]
        if any(x.lower() in _IMPERATIVES for x in words[1:]):
            return True
    return bool(_MODAL.search(" ".join(text.split()[:14])))


_DANGLING = re.compile(r"\b(and|or|to|of|the|for|with|in|on|by|a|an|that|which|including|such as|its|their)$", re.I)


def _finished(text: str) -> bool:
    """An item's text that ends a sentence (or a list entry) and not in the middle of one."""
    t = text.rstrip(" )’'\"”")
    if not t or _DANGLING.search(t):
        return False
    return t[-1] in ".;!?"  # a colon announces sub-points that belong to the item


def _heading_like(text: str) -> bool:
    """A short line without closing punctuation that names what follows (group or section heading)."""
    t = text.strip()
    if len(t) > 90 or not t or not (t[0].isupper() or t[0].isdigit()):
        return False
    return t[-1] not in ".,;:" or _STOP.match(t) is not None


@dataclass
class _Start:
    """A line that begins an item, with its printed number (None for bullets) and its shape."""

    shape: str  # "num" | "dotted" | "letter" | "bullet" | "sub"
    number: str | None
    text: str
    glyph: str = ""  # the bullet character, so a list's own bullets are told from its items' sub-points


def _item_start(text: str) -> _Start | None:
    m = _NUM.match(text)
    if m:
        return _Start("num", m.group(1), m.group(2))
    m = _DOTTED.match(text)
    if m:
        return _Start("dotted", m.group(1), m.group(2))
    m = _LETTER.match(text)
    if m:
        return _Start("letter", m.group(1), m.group(2))
    m = _SUB_BULLET.match(text)
    if m:
        return _Start("sub", None, (m.group(1) or m.group(2) or "").strip())
    m = _BULLET.match(text)
    if m and not re.match(r"^-\s*\d", text):
        return _Start("bullet", None, m.group(1).strip(), text[0])
    return None


def _timescale(label: str) -> str | None:
    """The timescale a sub-heading sets, worded one way ("Within 3 months" -> "Within three months")."""
    s = label.strip().rstrip(":").strip()
    low = s.lower()
    if low.startswith("immediately"):
        return "Immediately"
    if low.startswith("priority"):
        return "Priority and immediate action"
    if low.startswith(("area", "recommendation")):
        return None
    m = re.match(r"within (\w+) (\w+)", low)
    if m:
        n = _NUMBER_WORDS.get(m.group(1), m.group(1))
        return f"Within {n} {m.group(2)}"
    return s


# --------------------------------------------------------------------------------------------------------------
# Owners
# --------------------------------------------------------------------------------------------------------------

_SUBJECT = re.compile(r"^(?P<s>[A-Z][^.;:(),]{1,140}?)\s+(?:should|must|needs? to|is (?:asked|required) to|"
                      r"are (?:asked|required) to)\b")
_AGENCY = re.compile(r"\b(nhs|board|lscb|[a-z]{1,4}scb|council|trust|police|constabulary|partners|partnership|"
                     r"commissioners?|ccg|clinical commissioning|school|schools|authority|authorities|agency|"
                     r"agencies|cafcass|probation|health|providers?|hospital|team|service|services|group|"
                     r"directorate|panel|forum|iros?|officers?|leaders|managers|chair|members)\b", re.I)
_THING = {"plan", "plans", "strategy", "report", "reports", "policy", "policies", "procedure", "procedures",
          "protocol", "data", "dataset", "arrangements", "information", "training", "system", "systems",
          "framework", "process", "processes", "programme", "audit", "audits", "register", "work", "offer",
          "review", "reviews", "assessment", "assessments", "minutes", "practice", "quality", "capacity"}
_BOARD_ONLY = re.compile(r"^(?:the )?(?:(?:[A-Z][\w’'&-]*\s+){0,4}(?:local )?safeguarding children[’']?s?\s+board"
                         r"(?:\s+\(\w+\))?|board|lscb|[A-Z]{1,4}SCB)$", re.I)
_LA_ONLY = re.compile(r"^(?:the )?(?:local authority|council|authority|la)(?: and (?:its |the |all )?(?:statutory )?"
                      r"(?:partners|partner agencies|partnership|agencies))?$", re.I)
_LA_STAFF = {"senior", "leaders", "leadership", "managers", "management", "and", "local", "authority", "council",
             "corporate", "social", "workers", "staff", "elected", "members", "practitioners", "frontline", "front",
             "line", "operational", "strategic", "team", "teams", "political", "officers", "chief", "executive",
             "director", "of", "children’s", "children's", "services", "dcs"}
_NOT_AGENT = _THING | {"structure", "structures", "membership", "governance", "role", "roles", "use", "number",
                       "range", "quality", "timeliness", "content", "impact", "development", "effectiveness"}


def owner_of(text: str) -> str | None:
    """The agency an item names as having to act ("NHS Bedfordshire and Luton should ensure ..."), as printed;
    None when the item is an instruction to the local authority and its partners in general."""
    m = _SUBJECT.match(text)
    if not m:
        return None
    s = m.group("s").strip()
    words = [w.lower() for w in re.findall(r"[A-Za-z’']+", s)]
    if any(w in _IMPERATIVES or w in _ADVERBS for w in words) or words[0].endswith(("ing", "ly")):
        return None  # an instruction ("Together with the LSCB, review ...") or a clause, not an agency
    if not _AGENCY.search(s):
        return None
    content = [w for w in words if w not in ("the", "a", "an", "all", "each", "its")]
    if words[-1] in _THING or (content and content[0] in _NOT_AGENT) or words[0] in ("a", "an"):
        return None
    if _LA_ONLY.match(s) or set(content) <= _LA_STAFF:
        return None  # the local authority itself, or its own leaders and staff
    if re.match(r"^the\s", s, re.I):
        s = "the " + s[4:]
    return s


# --------------------------------------------------------------------------------------------------------------
# The list reader
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    """What the list's heading says about its items."""

    ilacs: bool = False  # noun-phrase bullets: any bullet is an item
    decision: bool = False  # the recommendation put to a council meeting
    owner: str | None = None  # default owner (the LSCB in its review)
    timescale: str | None = None
    group: str | None = None
    paragraph: str | None = None  # printed number of the heading/introducing paragraph


def _same_series(prev: str | None, new: str, shape: str) -> bool:
    """Does a numbered line continue the list's numbering? (Ofsted numbers items as paragraphs 17, 18, ...;
    council reports as 1.2.1, 1.2.2 or (a), (b).)"""
    if prev is None:
        return True
    if shape == "num":
        return int(new) == int(prev) + 1
    if shape == "dotted":
        a, b = prev.split("."), new.split(".")
        return len(a) == len(b) and a[:-1] == b[:-1] and int(b[-1]) == int(a[-1]) + 1
    if shape == "letter":  # (a), (b) ... or roman numerals, which are not checked
        return len(new) > 1 or len(prev) > 1 or ord(new) == ord(prev) + 1
    return True


def _read_list(lines: list[Line], i: int, ctx: _Ctx, text_source: bool) -> tuple[list[Recommendation], int]:
    """Read the items of the list whose heading is at lines[i]; return them and the index after the list."""
    recs: list[Recommendation] = []
    shape: str | None = None  # the shape of this list's items, fixed by its first item
    glyph = ""  # a bullet list's own bullet character
    cur: dict | None = None
    last_no: str | None = None
    n = len(lines)
    j = i + 1

    def close() -> None:
        nonlocal cur
        if cur is not None:
            text = re.sub(r"\s+", " ", " ".join(cur["parts"])).strip()
            text = re.sub(r"\s+([,.;:])", r"\1", text)
            if text and not _NOTHING.match(text):
                owner = owner_of(text)
                if owner and ctx.owner == "LSCB" and _BOARD_ONLY.match(owner):
                    owner = "LSCB"  # "the Board", "Dudley Safeguarding Children Board": the board under review
                recs.append(Recommendation(text=text, number=cur["number"], timescale=cur["timescale"],
                                           owner=owner or ctx.owner, group=cur["group"],
                                           paragraph=ctx.paragraph, page=cur["page"],
                                           kind="council decision" if ctx.decision else "recommendation"))
        cur = None

    def is_item(st: _Start | None) -> bool:
        if st is None:
            return False
        if shape is None:
            return st.shape != "sub"
        if st.shape != shape or (shape == "bullet" and glyph and st.glyph != glyph):
            return False
        if st.number is not None and not _same_series(last_no, st.number, st.shape):
            return False
        return True

    def accepts_first(st: _Start) -> bool:
        """The first item decides the list's shape; it must read like a recommendation (not the intro)."""
        if ctx.decision or ctx.ilacs:
            return True
        return _rec_like(st.text) and not _INTRO.match(st.text)

    pre = 0  # non-item lines read before the first item (an intro); give up when too many
    while j < n:
        ln = lines[j]
        t = ln.text
        if _TIMESCALE.match(t):
            close()
            ctx.timescale = _timescale(t)
            if re.match(r"^(priority|areas?)\b", t, re.I):
                ctx.group = None  # a new part of the list ("Areas for improvement" after the priority actions)
            j += 1
            continue
        st = _item_start(t)
        if cur is None and shape is None:
            # before the first item: intro paragraph, group headings, the "There are no ..." sentence
            if st is not None and st.shape != "sub" and accepts_first(st) and not _NOTHING.match(st.text):
                shape = st.shape
                glyph = st.glyph
                last_no = st.number
                cur = {"parts": [st.text], "number": st.number, "timescale": ctx.timescale, "group": ctx.group,
                       "page": ln.page}
                j += 1
                continue
            if st is not None and st.number is not None and not _NOTHING.match(st.text):
                body = st.text
                if re.match(r"recommendations? (in relation to|for|about|on)\b", body, re.I):
                    ctx.group = body.rstrip(":")
                ctx.paragraph = st.number
            elif st is not None and _NOTHING.match(st.text):
                pass
            elif st is None and j > i + 1 and _TIMESCALE.match(lines[j - 1].text) and _rec_like(t) \
                    and not _INTRO.match(t) and not _heading_like(t):
                # an item whose bullet glyph the text conversion lost, right under "Immediately:"
                cur = {"parts": [t], "number": None, "timescale": ctx.timescale, "group": ctx.group,
                       "page": ln.page}
                j += 1
                continue
            elif _is_stop(t) or (pre > 0 and _RECS_HEAD.match(t)):
                break
            elif _heading_like(t) and not t.endswith(":") and pre < 3:
                ctx.group = t
            pre += 1
            if pre > 12:
                break
            j += 1
            continue
        if st is not None and st.shape == "bullet" and cur is not None and not _finished(" ".join(cur["parts"])) and \
                re.match(r"^(and|or|to|of|in|for|with|which|that|including|by|on|at|from|as|but)\b", st.text):
            cur["parts"].append(st.text)  # a wrapped line the converter turned into a bullet
            j += 1
            continue
        if is_item(st):
            close()
            shape = shape or st.shape
            glyph = glyph or st.glyph
            last_no = st.number if st.number is not None else last_no
            cur = {"parts": [st.text], "number": st.number, "timescale": ctx.timescale, "group": ctx.group,
                   "page": ln.page}
            j += 1
            continue
        # a line that does not start an item of this list
        para_break = text_source and ln.blank_before
        # an unfinished item continues on the next page in lower case; a capitalised heading-like line at the top
        # of a page is the next section (an item whose last line has no full stop, followed by a heading)
        page_top = j > 0 and lines[j - 1].page != ln.page and _heading_like(t) and t[:1].isupper() and \
            cur is not None and not _DANGLING.search(" ".join(cur["parts"]).rstrip())
        joinable = cur is not None and not _finished(" ".join(cur["parts"])) and not para_break and not page_top
        if _is_stop(t) or _RECS_HEAD.match(t):
            break
        sub_head = re.match(r"^(?:[-*]\s+)?(\d+(?:\.\d+)*)?\.?\s*(recommendations? (?:in relation to|for|about|on)\b.*)$",
                            t, re.I)
        if sub_head:  # "2.1.2 Recommendations in relation to Looked After Children" (council reports)
            close()
            ctx.group = sub_head.group(2).rstrip(":")
            ctx.paragraph = sub_head.group(1) or ctx.paragraph
            j += 1
            continue
        if joinable or (st is not None and st.shape in ("sub", "bullet", "letter") and cur is not None
                        and not para_break):
            # sub-points of a numbered item are part of it; bullet glyphs are dropped, "(i)" markers kept
            cur["parts"].append(st.text if st is not None and st.shape in ("sub", "bullet") else t)
            j += 1
            continue
        # the current item is finished: a group heading, more of the item (a sentence that began a line), or the
        # end of the list. Look at what follows this run of plain lines.
        k = j
        run: list[Line] = []
        while k < n and len(run) < 5:
            st_k = _item_start(lines[k].text)
            if _TIMESCALE.match(lines[k].text) or (st_k is not None and st_k.shape != "sub"):
                break
            run.append(lines[k])
            k += 1
        nxt = _item_start(lines[k].text) if k < n else None
        follows = k < n and (_TIMESCALE.match(lines[k].text) is not None
                             or (is_item(nxt) and (ctx.ilacs or ctx.decision or _continues(lines, k, last_no))))
        if not follows or not run:
            break
        if _heading_like(run[-1].text) and (len(run) == 1 or _finished(run[-2].text)):
            # a group heading ("Care leavers"), possibly after the last sentences of the item before it
            if cur is not None and not para_break:
                cur["parts"].extend(x.text for x in run[:-1])
            close()
            ctx.group = run[-1].text.rstrip(":")
            j = k
            continue
        if para_break or cur is None:
            break
        cur["parts"].extend(x.text for x in run)
        j = k
    close()
    return recs, j


# --------------------------------------------------------------------------------------------------------------
# Where the lists are
# --------------------------------------------------------------------------------------------------------------

_LSCB_SECTION = re.compile(
    r"^(section \d\b.*(safeguarding|lscb)|the local safeguarding children board( \(lscb\))?$|"
    r"the (local safeguarding children board|lscb) (is|requires)\b|"
    r"the effectiveness of the (local safeguarding children board|lscb)\b(?!.*\d\s*$)|"
    r"review of the effectiveness of the (local safeguarding|lscb)(?!.*\d\s*$)|what does the lscb)", re.I)


def _lscb_from(lines: list[Line]) -> int | None:
    """Index of the first line of the LSCB review part of a 2014-2017 report (its lists are the board's).
    The cover page and contents repeat the review's title, so only headings after page 2 count; a stand-alone
    review of the board is the board's throughout."""
    cover = " ".join(ln.text for ln in lines if ln.page == 1)
    if re.search(r"review of the effectiveness of the local safeguarding children board", cover, re.I) and \
            not re.search(r"inspection of services for children in need", cover, re.I):
        return 0
    for idx, ln in enumerate(lines):
        if ln.page > 2 and _LSCB_SECTION.match(ln.text) and not re.search(r"\s\d{1,3}$", ln.text):
            return idx
    return None


_INLINE_DECISION = re.compile(r"^recommendations?(?:\(s\))?\s*:\s*(\S.{10,})$", re.I)
_DECISION_HEAD = re.compile(r"^(?:(\d+(?:\.\d+)*)\.?\s+)?(?:recommendations?(?:\(s\))?|recommended decisions?)\s*:?$",
                            re.I)
_FORMAL_HEAD = re.compile(r"^(?:(\d+(?:\.\d+)*)\.?\s+)?(?:formal |the inspection'?s? |ofsted'?s? |inspection )"
                          r"recommendations?\b.*$", re.I)


def _council_lists(lines: list[Line], text_source: bool) -> list[Recommendation]:
    """A council report: the recommendation put to the meeting and any Ofsted recommendations it quotes."""
    recs: list[Recommendation] = []
    j = 0
    while j < len(lines):
        t = lines[j].text
        m = _INLINE_DECISION.match(t)
        if m and not re.match(r"^reasons?", t, re.I):
            body = m.group(1).strip()
            recs.append(Recommendation(text=body, page=lines[j].page, kind="council decision"))
            j += 1
            continue
        m = _FORMAL_HEAD.match(t)
        if m:
            got, end = _read_list(lines, j, _Ctx(paragraph=m.group(1)), text_source)
            recs += got
            j = max(end, j + 1)
            continue
        m = _DECISION_HEAD.match(t)
        if m:
            got, end = _read_list(lines, j, _Ctx(decision=True, paragraph=m.group(1)), text_source)
            recs += got
            j = max(end, j + 1)
            continue
        j += 1
    return recs


def _ofsted_lists(lines: list[Line], text_source: bool) -> list[Recommendation]:
    """An Ofsted report: every list under a recommendations heading, in document order."""
    recs: list[Recommendation] = []
    lscb_at = _lscb_from(lines)
    j = 0
    while j < len(lines):
        t = lines[j].text
        ctx: _Ctx | None = None
        if _ILACS_HEAD.match(t):
            ctx = _Ctx(ilacs=True)
        elif _IMPROVE_HEAD.match(t) or _AFI_HEAD.match(t) or _PRIORITY_HEAD.match(t) or _RECS_HEAD.match(t):
            ctx = _Ctx()
            if _PRIORITY_HEAD.match(t):
                ctx.timescale = "Priority and immediate action"
            if re.search(r"\b(lscb|board)\b", t, re.I) or (lscb_at is not None and j >= lscb_at):
                ctx.owner = "LSCB"
        if ctx is None:
            j += 1
            continue
        got, end = _read_list(lines, j, ctx, text_source)
        if not got and _RECS_HEAD.match(t):
            got = _misplaced_items(lines, j, ctx, text_source)
        recs += got
        j = max(end, j + 1)
    return recs


def _misplaced_items(lines: list[Line], j: int, ctx: _Ctx, text_source: bool) -> list[Recommendation]:
    """Items printed under a heading that the PDF's text layer puts after them: pypdf sometimes emits a page's
    heading last, so a "Recommendations" heading followed by nothing may have its numbered items at the top of
    the same page."""
    page = lines[j].page
    for s in range(j - 1, -1, -1):
        if lines[s].page != page:
            first = s + 1
            break
    else:
        first = 0
    for s in range(first, j):
        st = _item_start(lines[s].text)
        if st is not None and st.shape == "num" and _rec_like(st.text):
            got, _ = _read_list(lines, s - 1, _Ctx(owner=ctx.owner), text_source)
            return got
        if st is None or st.shape != "num":
            continue
    return []


def extract_recommendations(doc: Document, framework: str | None, kind: str) -> list[Recommendation]:
    """Every recommendation the document prints, in order.

    `kind` (from ingest/metadata.py, the one place that decides it) chooses between a council report's lists and an
    Ofsted report's; `framework` is a hint: the layout is read from the text, so an Ofsted report with an unexpected
    framework still comes out. The printed numbers are read directly from the lines, not from the segmenter's
    paragraphs, which keeps this module correct whatever state the segmenter is in.
    """
    lines = body_lines(doc)
    if not lines:
        return []
    text_source = doc.source_type == "text"
    recs = _council_lists(lines, text_source) if kind == "council_report" else _ofsted_lists(lines, text_source)
    # the same printed item reached twice (a misplaced heading) is kept once; a report that prints the same words
    # under two numbers keeps both
    seen: set[tuple[str, str | None, str]] = set()
    unique = []
    for r in recs:
        key = (re.sub(r"\W+", " ", r.text.lower()).strip(), r.number, r.kind)
        if key in seen:
            continue
        seen.add(key)
        unique.append(r)
    return unique
