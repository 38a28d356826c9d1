"""Expected answer types of questions, and whether a sentence offers one.

A classic question-answering signal: "when" wants a date, "how many" a number,
"who" a person, "where" a place. A sentence that holds the kind of thing the
question asks for is a likelier answer than one that only shares its topic.
"""

from __future__ import annotations

import re
from enum import StrEnum


class AnswerType(StrEnum):
    PERSON = "person"
    DATE = "date"
    PLACE = "place"
    NUMBER = "number"
    AGE = "age"


_QUESTION_PATTERNS: tuple[tuple[re.Pattern[str], AnswerType], ...] = (
    (re.compile(r"\bhow old\b|\bwhat age\b|\bage of\b", re.I), AnswerType.AGE),
    (re.compile(r"\bhow (many|much)\b|\bwhat number\b", re.I), AnswerType.NUMBER),
    (
        re.compile(
            r"^\s*when\b|\bwhat (year|date|day|month|time)\b|\bwhich (year|date|day|month)\b"
            r"|\bhow long ago\b|\bsince when\b",
            re.I,
        ),
        AnswerType.DATE,
    ),
    (
        re.compile(
            r"^\s*where\b|\b(what|which) (country|city|town|place|location|state|region)\b"
            r"|\bwhere\b",
            re.I,
        ),
        AnswerType.PLACE,
    ),
    (re.compile(r"^\s*(who|whom|whose)\b|\b(who|whom)\b", re.I), AnswerType.PERSON),
)

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE = re.compile(
    rf"\b(({_MONTHS})\.?\s+\d{{1,2}}\b|\d{{1,2}}\s+({_MONTHS})\b|(in|since|by|until|from)\s+({_MONTHS})"
    r"|\b(1[89]|20)\d\d\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\b(yesterday|today|tomorrow|tonight)\b|\b(next|last|this) (week|weekend|month|year)\b"
    r"|\bday (one|1)\b|\bfirst day\b|\b\w+ (years?|months?|weeks?|days?) (later|ago|earlier)\b)",
    re.I,
)
_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozens?)\b",
    re.I,
)
_AGE = re.compile(r"\b\d{1,3}[- ]years?[- ]old\b|\baged? \d{1,3}\b|\b\d{1,3}, (said|says)\b", re.I)
_NAME = r"[A-Z][\w’'\-]+"
_PERSON = re.compile(rf"(?<!^)(?<![.!?]\s)\b{_NAME}\s+{_NAME}\b|\([A-Z][\w’'\-]+\s+{_NAME}\)")
_PLACE = re.compile(
    rf"\b(in|at|from|to|near|across|outside|inside)\s+(remote\s+|central\s+|northern\s+|"
    rf"southern\s+)?{_NAME}|\b{_NAME},\s+{_NAME}\b"
)

_SENTENCE_PATTERNS = {
    AnswerType.DATE: _DATE,
    AnswerType.NUMBER: _NUMBER,
    AnswerType.AGE: _AGE,
    AnswerType.PERSON: _PERSON,
    AnswerType.PLACE: _PLACE,
}


def question_type(question: str) -> AnswerType | None:
    """What kind of answer the question asks for, when it says so."""
    for pattern, kind in _QUESTION_PATTERNS:
        if pattern.search(question):
            return kind
    return None


def offers(sentence: str, kind: AnswerType) -> bool:
    """Whether the sentence holds something of the kind asked for."""
    return _SENTENCE_PATTERNS[kind].search(sentence) is not None
