"""Which printed numbers start paragraphs: the report's own sequence, not every line that begins with digits.

pypdf's lines start with "2013.", "16." or "36." wherever a sentence wraps before a number, and front pages carry
judgement lists numbered 1, 2, 2.1, 3. A number is taken as a paragraph start when it is the next one a run of
numbering expects (or starts a new run at 1), and the line around it reads like a paragraph start: the line before
closed a sentence, was short, or a blank line separates them; the text after it does not start in lower case.
When the context is doubtful the next occurrence of the same number wins if there is one. Small gaps are allowed
when the line reads like a start and the number after it follows (reports do skip a number now and then).
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

from ingest.segment_lines import Line, is_judgement_item

MAX_GAP = 4
LOOKAHEAD = 25  # candidate lines searched for a confirming next number


@dataclass
class Run:
    """A run of consecutive numbering; a report has one, or more where its numbering restarts at 1."""

    start: int                 # index of the first line
    last: tuple[int, ...]
    numbers: list[str] = field(default_factory=list)


def _tuple(num: str) -> tuple[int, ...]:
    return tuple(int(x) for x in num.split("."))


def _successors(last: tuple[int, ...]) -> set[tuple[int, ...]]:
    """Numbers that may follow `last` in decimal numbering: a child, or the next at any level (with children)."""
    out = {last + (1,)}
    for i in range(len(last)):
        nxt = last[:i] + (last[i] + 1,)
        out |= {nxt, nxt + (1,), nxt + (1, 1), nxt + (0,)}
    return out


def _is_decimal_scheme(lines: list[Line]) -> bool:
    nums = [ln.number for ln in lines if ln.number]
    dec = sum("." in n for n in nums)
    return dec >= 3 and dec > (len(nums) - dec)


class _Numbering:
    def __init__(self, lines: list[Line], width: float, text_source: bool):
        self.lines = lines
        self.width = width
        self.text = text_source
        self.cands = [ln.pos for ln in lines if ln.number]
        self.by_num: dict[str, list[int]] = defaultdict(list)
        for p in self.cands:
            self.by_num[lines[p].number].append(p)

    def _next_pos(self, num: str, after: int, limit: int | None = None) -> int | None:
        ps = self.by_num.get(num, [])
        k = bisect.bisect_right(ps, after)
        if k < len(ps) and (limit is None or ps[k] <= limit):
            return ps[k]
        return None

    def _horizon(self, pos: int) -> int:
        k = bisect.bisect_right(self.cands, pos)
        return self.cands[min(len(self.cands) - 1, k + LOOKAHEAD)] if self.cands else pos

    def good_context(self, ln: Line) -> bool:
        """The line reads like the start of a paragraph."""
        if self.text:
            return True  # a text source writes a paragraph per line
        if ln.body[:1].islower():
            return False
        if ln.pos == 0 or ln.blank_before:
            return True
        prev = self.lines[ln.pos - 1]
        return prev.closed or len(prev.text) < 0.72 * self.width or prev.bullet and not prev.text[-1:].isalpha()

    def duplicate_later(self, ln: Line, num: str, nxt: str) -> bool:
        """Another line with the same number comes before the next number: this one may be a wrapped line."""
        later = self._next_pos(num, ln.pos, self._horizon(ln.pos))
        if later is None:
            return False
        after = self._next_pos(nxt, ln.pos)
        return after is None or later < after

    def confirmed(self, ln: Line, nxt: str) -> bool:
        return self._next_pos(nxt, ln.pos, self._horizon(ln.pos)) is not None

    def judgement_item(self, ln: Line) -> bool:
        if ln.page > 2 or self.text:
            return False
        text = ln.body
        after = None
        used = [ln]
        for nxt in self.lines[ln.pos + 1: ln.pos + 4]:
            after = nxt
            if is_judgement_item(text) or text.endswith(".") or nxt.number or nxt.page != ln.page \
                    or nxt.blank_before:
                break
            text += " " + nxt.text
            used.append(nxt)
            after = None
        # a paragraph whose first line happens to end on 'good' goes on in lower case
        found = len(text) < 90 and is_judgement_item(text) and not (after and after.text[:1].islower())
        if found:
            for u in used:
                u.skip = True
        return found


def _midline_start(ln: Line, want: int) -> str | None:
    """Text sources only: a list item broken at an old page turn carries its number mid-line
    ('- In cases seen ... safeguarded 37. and the quality'): the item is paragraph `want` without the number."""
    m = re.search(r"(?<=\s)" + str(want) + r"\.\s", ln.text)
    if not m or m.start() > 160 or not ln.dash:
        return None
    body = ln.text[:m.start()].rstrip() + " " + ln.text[m.end():].lstrip()
    return re.sub(r"^-\s*", "", body).strip()


def accept_numbers(lines: list[Line], width: float, text_source: bool) -> list[Run]:
    """Mark the lines whose printed number starts a paragraph (Line.number is cleared on the others) and return
    the runs of numbering in document order. Markdown headings carrying a number move the sequence on."""
    nb = _Numbering(lines, width, text_source)
    decimal = _is_decimal_scheme(lines)
    runs: list[Run] = []
    for ln in lines:
        num = ln.number
        if num is None:
            if text_source and runs and not decimal:
                want = runs[-1].last[0] + 1
                body = _midline_start(ln, want)
                if body and nb.confirmed(ln, str(want + 1)):
                    ln.number, ln.body, ln.run = str(want), body, len(runs) - 1
                    runs[-1].last = (want,)
                    runs[-1].numbers.append(str(want))
            continue
        ln.number = None  # until accepted
        if decimal and "." not in num and not ln.md_heading:
            continue  # a list numbered 1, 2 inside decimal numbering is not part of it
        if not decimal and "." in num:
            continue
        if nb.judgement_item(ln):
            continue
        good = nb.good_context(ln)
        t = _tuple(num)
        placed = False
        placed: Run | None = None
        if decimal:
            placed = next((r for r in reversed(runs) if t in _successors(r.last)), None)
            if placed is None and not runs and all(x <= 1 for x in t):
                placed = Run(start=ln.pos, last=t)
                runs.append(placed)
        else:
            n = t[0]
            for run in reversed(runs):
                if n == run.last[0] + 1:
                    if good or not nb.duplicate_later(ln, num, str(n + 1)):
                        placed = run
                    break
            if placed is None and good:
                for run in reversed(runs):
                    exp = run.last[0] + 1
                    if exp < n <= exp + MAX_GAP and nb.confirmed(ln, str(n + 1)) \
                            and nb._next_pos(str(exp), ln.pos, nb._horizon(ln.pos)) is None:
                        placed = run
                        break
            if placed is None and n == 1 and not runs and not good and not nb.duplicate_later(ln, "1", "2") \
                    and nb.confirmed(ln, "2"):
                good = True  # the report's first paragraph after an intro line that does not close a sentence
            if placed is None and n == 1 and good and (not runs or text_source or nb.confirmed(ln, "2")):
                placed = Run(start=ln.pos, last=t)
                runs.append(placed)
        if placed is None:
            continue
        placed.last = t
        placed.numbers.append(num)
        if not ln.md_heading:  # a numbered markdown heading moves the numbering on but stays a heading
            ln.number, ln.run = num, runs.index(placed)
    return runs
