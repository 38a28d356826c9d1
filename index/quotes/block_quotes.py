"""Block quotes printed without quotation marks.

Many sites set an interviewee's answer as a paragraph of its own, without
marks, after a lead-in paragraph ending with a colon::

    When asked about the stunt, here's what the actor had to say:

    I have been riding motorcycles since I was a kid. We trained for years.

Such a paragraph is a quote when it has no quotation mark at all and speaks in
the first person (``I``, ``we``, ``my``...): a list or a narrative paragraph
after a colon does not. It becomes a segment whose "marks" have no width, so
that the rest of the quote rules read it like any quoted paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

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
    chain = max((segment.chain for segment in marked), default=-1) + 1
    found: list[Segment] = []
    for index in range(1, len(paragraphs)):
        paragraph, lead_in = paragraphs[index], paragraphs[index - 1]
        content = text[paragraph.start : paragraph.end]
        if (
            headline[index]
            or index in with_marks
            or any(ch in DOUBLE_MARKS for ch in content)
            or not _LEAD_IN_END.search(text[lead_in.start : lead_in.end])
            or len(content.split()) < MIN_BLOCK_WORDS
            or not _FIRST_PERSON.search(content)
        ):
            continue
        found.append(
            Segment(
                chain,
                paragraph.start,
                paragraph.end,
                True,
                Family.DOUBLE,
                0,
                None,
                index,
                opening_width=0,
                closing_width=0,
            )
        )
        chain += 1
    return found
