"""Quotes printed without quotation marks: block quotes and interview answers.

Many sites set an interviewee's answer as a paragraph of its own, without
marks, after a lead-in paragraph ending with a colon::

    When asked about the stunt, here's what the actor had to say:

    I have been riding motorcycles since I was a kid. We trained for years.

Such a paragraph is a quote when it has no quotation mark at all and speaks in
the first person (``I``, ``we``, ``my``...): a list or a narrative paragraph
after a colon does not. It becomes a segment whose "marks" have no width, so
that the rest of the quote rules read it like any quoted paragraph.

In an interview layout (:mod:`index.interview_labels`) the answer after a
speaker label (``Simon Pegg: …``, ``SP: …``) is such a segment too; the
questions (``Q: …``) are not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from index.interview_labels import QUESTION_LABELS, SPEAKER_LABEL, interview_labels
from index.models import Span
from index.quotes.marks import DOUBLE_MARKS, Family, Segment

_FIRST_PERSON: Final = re.compile(r"\b(?:I|[Mm]e|[Mm]y|[Ww]e|[Oo]ur|[Uu]s)\b")
_LEAD_IN_END: Final = re.compile(r":[\s\"”’']*$")
MIN_BLOCK_WORDS: Final = 8
"""A shorter paragraph after a colon is a caption or a list item, not an answer."""


def block_quote_segments(
    text: str,
    paragraphs: Sequence[Span],
    headline: Sequence[bool],
    marked: Sequence[Segment],
) -> list[Segment]:
    """Segments for the unmarked first-person paragraphs right after a colon lead-in."""
    with_marks = {segment.paragraph for segment in marked}
    labels = interview_labels(text[p.start : p.end] for p in paragraphs)
    chain = max((segment.chain for segment in marked), default=-1) + 1
    found: list[Segment] = []
    for index, paragraph in enumerate(paragraphs):
        content = text[paragraph.start : paragraph.end]
        if headline[index] or index in with_marks or any(ch in DOUBLE_MARKS for ch in content):
            continue
        label = SPEAKER_LABEL.match(content)
        if label is not None and label["label"] in labels:
            if label["label"] in QUESTION_LABELS:
                continue
            start = paragraph.start + label.end() - 1  # the answer's first character
        elif index and _is_block_quote(
            content, text[paragraphs[index - 1].start : paragraphs[index - 1].end]
        ):
            start = paragraph.start
        else:
            continue
        found.append(_unmarked(chain, start, paragraph.end, index))
        chain += 1
    return found


def _is_block_quote(content: str, lead_in: str) -> bool:
    return (
        _LEAD_IN_END.search(lead_in) is not None
        and len(content.split()) >= MIN_BLOCK_WORDS
        and _FIRST_PERSON.search(content) is not None
    )


def _unmarked(chain: int, start: int, end: int, paragraph: int) -> Segment:
    return Segment(
        chain, start, end, True, Family.DOUBLE, 0, None, paragraph, opening_width=0, closing_width=0
    )
