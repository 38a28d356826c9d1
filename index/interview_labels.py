"""Speaker labels of interview layouts: ``Q: …``, ``SP: …``, ``Simon Pegg: …``.

Shared by the cleaner (a labelled line is body, however short) and the quote rules
(a labelled answer is the labelled person's quote).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

SPEAKER_LABEL: Final = re.compile(
    r"^(?P<label>Q|A|[A-Z]{2,3}|[A-Z][\w'’.\-]+(\s+[A-Z][\w'’.\-]+){0,2})\s*:\s+\S"
)
"""An interview line: "Q: …", "SP: …", "Simon Pegg: …", "Pegg: …"."""
INTERVIEW_LABEL_REPEATS: Final = 2
"""A speaker label is an interview layout when it opens this many lines, or when the
article has this many "Q:" lines."""
QUESTION_LABELS: Final = frozenset({"Q"})


def interview_labels(lines: Iterable[str]) -> frozenset[str]:
    """The speaker labels that lay out an interview in these lines ("Q", "Simon Pegg")."""
    counts: dict[str, int] = {}
    for line in lines:
        match = SPEAKER_LABEL.match(line)
        if match is not None:
            counts[match["label"]] = counts.get(match["label"], 0) + 1
    if sum(counts.get(label, 0) for label in QUESTION_LABELS) >= INTERVIEW_LABEL_REPEATS:
        return frozenset(counts)  # a Q&A: every label in it names who answers
    return frozenset(label for label, count in counts.items() if count >= INTERVIEW_LABEL_REPEATS)
