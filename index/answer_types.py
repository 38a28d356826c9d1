"""Expected answer types of questions, and whether a sentence offers one.

A classic question-answering signal: "when" wants a date, "how many" a number,
"who" a person, "where" a place. A sentence that holds the kind of thing the
question asks for is a likelier answer than one that only shares its topic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from index.lexical import stem


class AnswerType(StrEnum):
    PERSON = "person"
    DATE = "date"
    TIME = "time of day"
    PLACE = "place"
    NUMBER = "number"
    COUNT = "count"
    """How many of something: a number that counts, not a measure (a speed, a share, a
    clock time, a year or a sum of money)."""
    AGE = "age"
    MONEY = "sum of money"
    HEIGHT = "height"
    DURATION = "running time"
    WEIGHT = "weight"
    DEPTH = "depth"
    BIRTH = "date of birth"
    SPEED = "speed"
    COLOUR = "colour"
    ORIGIN = "country of origin"
    """Where someone comes from: a country, or the nationality it gives ("the French
    actress")."""
    ACTOR = "actor"
    """Who plays a part: "Grace (Hayley Atwell)", "Hayley Atwell's Grace", "played by"."""
    OUTLET = "news outlet"
    """The newspaper, magazine, site or broadcaster someone spoke to."""


SPECIFIC_KINDS = frozenset(
    {
        AnswerType.COUNT,
        AnswerType.AGE,
        AnswerType.MONEY,
        AnswerType.HEIGHT,
        AnswerType.DURATION,
        AnswerType.WEIGHT,
        AnswerType.DEPTH,
        AnswerType.BIRTH,
        AnswerType.SPEED,
        AnswerType.COLOUR,
    }
)
"""Kinds whose sentence patterns are narrow: a sentence offering one really holds that
answer, so no candidate offering one means the articles do not say."""


_UNITS = r"(feet|foot|metres|meters|kilometres|kilometers|km|miles|yards|inches|cm)"
_MEASURES = (
    r"(feet|foot|ft|metres?|meters?|m|km|kilometres?|kilometers?|miles?|yards?|inches|cm"
    r"|kg|kilos?|kilograms?|pounds|lbs?|stone|tonnes?|tons?|mph|knots?|percent|degrees?"
    r"|seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
)
"""Units of measure: "how many miles" asks for a measure, and "16 feet" counts no thing."""
_QUESTION_PATTERNS: tuple[tuple[re.Pattern[str], AnswerType], ...] = (
    (
        re.compile(
            r"^\s*who (plays|played|is playing|portrays|portrayed|voices|voiced|stars as"
            r"|starred as)\b",
            re.I,
        ),
        AnswerType.ACTOR,
    ),
    (
        re.compile(
            r"\b(what|which) (country|nationality)\b[^?]*\bfrom\b|\bwhat nationality\b"
            r"|\bwhere (is|was|are|were) [^?]*\bfrom\b|\bwhere (does|did|do) [^?]*\bcome from\b",
            re.I,
        ),
        AnswerType.ORIGIN,
    ),
    (
        re.compile(
            r"\b(which|what) (news ?paper|paper|magazine|site|website|outlet|publication"
            r"|channel|network|podcast|broadcaster|radio station)\b[^?]*"
            r"\b(talk|spoke|speak|tell|told|interview|say|said|chat)",
            re.I,
        ),
        AnswerType.OUTLET,
    ),
    (
        re.compile(
            r"\bwhen (was|were|is) [^?]*\bborn\b|\bbirth ?days?\b|\bdate of birth\b"
            r"|\bwhat (year|date|day) (was|were) [^?]*\bborn\b",
            re.I,
        ),
        AnswerType.BIRTH,
    ),
    (
        re.compile(r"\bhow old\b|\bwhat age\b|\bage of\b|\b(his|her|their|’s|'s) age\b", re.I),
        AnswerType.AGE,
    ),
    (
        re.compile(
            rf"\bhow deep\b|\b(its|the|what) depth\b|\bdepth of\b|\bhow (many|much) {_UNITS} "
            r"(deep|down|below|under)\b|\bhow far (down|below|beneath|under)\b",
            re.I,
        ),
        AnswerType.DEPTH,
    ),
    (re.compile(rf"\bhow (many|much) {_UNITS} (high|tall)\b", re.I), AnswerType.HEIGHT),
    (
        re.compile(
            r"\bhow tall\b|\bhow short\b|\b(his|her|their|its|the|’s|'s) height\b"
            r"|\bheight of\b|\bwhat height\b|\bhow high (is|was|are|were)\b",
            re.I,
        ),
        AnswerType.HEIGHT,
    ),
    (
        re.compile(r"\bhow fast\b|\b(what|which|top|its|the) speed\b|\bspeed of\b", re.I),
        AnswerType.SPEED,
    ),
    (re.compile(r"\b(what|which) colou?rs?\b|\bcolou?r of\b", re.I), AnswerType.COLOUR),
    (
        re.compile(r"\bhow heavy\b|\bhow much (does|did|do) \w+(\s\w+)? weigh\b", re.I),
        AnswerType.WEIGHT,
    ),
    (
        re.compile(
            r"\bhow much money\b|\bbox[- ]office\b|\bbudget\b|\bhow much (did|does|do|will|would"
            r"|was|is|were)\b.*\b(cost|make|earn|gross|pay|paid|spend|spent|raise|worth|sell|sold"
            r"|charge|fetch)\w*\b|\bhow much (is|was) .*\bworth\b|\b(salary|fee|price|revenue"
            r"|earnings|takings|net worth|fortune|wages?)\b"
            r"|\bhow much .*\b(dollars|pounds|euros)\b",
            re.I,
        ),
        AnswerType.MONEY,
    ),
    (
        re.compile(
            r"\b(running time|run[- ]?time|length of the (film|movie|show|episode))\b"
            r"|\bhow long (is|was|will be) (the|this|that|its|their) (new )?"
            r"(film|movie|show|episode|documentary|cut|sequel)\b(?! (shoot|production))"
            r"|\bhow many (minutes|hours) (long|is|was|does|did)\b"
            r"|\bhow long (does|did) (the|this|that|its) (new )?(film|movie|show|episode|cut)"
            r" run\b",
            re.I,
        ),
        AnswerType.DURATION,
    ),
    (
        re.compile(rf"\b(how many|what number of)\b(?!\s+{_MEASURES}\b)", re.I),
        AnswerType.COUNT,
    ),
    (re.compile(r"\bhow (many|much)\b|\bwhat number\b", re.I), AnswerType.NUMBER),
    (re.compile(r"\bwhat time\b(?! (of (the )?year|period|frame)\b)", re.I), AnswerType.TIME),
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
_TIME = re.compile(
    r"\b\d{1,2}(:\d\d)?\s*(a\.m\.|p\.m\.|am\b|pm\b)|\b\d{1,2}:\d\d\b|\b(noon|midday|midnight"
    r"|dawn|dusk|sunrise|sunset|overnight)\b|\b(this|that|in the|early|late"
    r"|(mon|tues|wednes|thurs|fri|satur|sun)day) (morning|afternoon|evening|night)\b",
    re.I,
)
"""A time of day: a clock time or a part of the day."""
_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozens?)\b",
    re.I,
)
_COUNT = re.compile(
    r"(?<![$£€¥₹\d.,:])\b(?!(1[89]|20)\d\d\b)\d[\d,]*(\.\d+)?\b"
    rf"(?!\s*-?({_MEASURES}\b|%|per cent\b|km/h|kph\b|a\.m\.|p\.m\.|am\b|pm\b|°|:\d"
    r"|(m|bn|million|billion)?\s*(dollars|pounds|euros)\b))"
    r"|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|hundreds?|thousands?|millions?|dozens?)\b",
    re.I,
)
"""A number that counts: not a measure (followed by a unit, a share, a time of day or a
currency), not a sum of money, not a year."""
_AGE = re.compile(
    r"\b\d{1,3}[- ]years?[- ]old\b|\baged? \d{1,3}\b|\b\d{1,3}, (said|says)\b"
    rf"|\b(?!({_MONTHS})\b)[A-Za-z]+, \d{{1,2}}, (?!\d)",
    re.I,
)
_NAME = r"[A-Z][\w’'\-]+"
_PERSON = re.compile(rf"(?<!^)(?<![.!?]\s)\b{_NAME}\s+{_NAME}\b|\([A-Z][\w’'\-]+\s+{_NAME}\)")
_PLACE = re.compile(
    rf"\b(in|at|from|to|near|across|outside|inside)\s+(the\s+)?(remote\s+|central\s+|"
    rf"northern\s+|southern\s+)?{_NAME}|\b{_NAME},\s+{_NAME}\b"
)

_AMOUNT = r"\d[\d,.]*\s*(?:million|billion|bn|m|k|thousand)?"
_MONEY = re.compile(
    rf"[$£€¥₹]\s?{_AMOUNT}|\b{_AMOUNT}\s*(dollars|pounds|euros|yen|usd|gbp|eur)\b"
    r"|\b(US|A|C|NZ|HK)\$\s?\d"
    r"|\b(one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred)"
    r"\s+(million|billion)\s+(dollars|pounds|euros)\b",
    re.I,
)
_HEIGHT = re.compile(
    r"\b\d+(\.\d+)?\s*(feet|foot|ft|metres?|meters?|cm|centimetres?|centimeters?|inches|in)"
    r"\b(?! (the|a|an|his|her|their)\b)|\b\d\s?['’]\s?\d{1,2}\s?(\"|”|in\b)?|\b(one|two|three|four"
    r"|five|six|seven) (feet|foot)\b|\b\w+ (feet|foot|metres|meters) (tall|high)\b"
    r"|\b\d(\.\d+)?\s?m (tall|high)\b",
    re.I,
)
_DURATION = re.compile(
    r"\b\d+\s*(minutes?|mins?|hours?|hrs?)\b|\b(one|two|three|four) hours?\b"
    r"|\b(running time|runtime|run time)\b",
    re.I,
)
_DEPTH = re.compile(
    r"\b\d[\d,.]*\s*-?(feet|foot|ft|metres?|meters?|m|kilometres?|kilometers?|km|miles?)\b"
    r"[^.;]{0,40}\b(deep|down|below|beneath|under|depth|underwater|sea ?floor|ocean floor)\b"
    r"|\bdepths? of (about |some |nearly |almost |more than )?\d",
    re.I,
)
_BIRTH = re.compile(
    rf"\bborn\b[^.;]{{0,40}}(\b(1[89]|20)\d\d\b|\b({_MONTHS})\.?\s+\d{{1,2}}\b)"
    r"|\bbirthday\b|\bdate of birth\b",
    re.I,
)
_SPEED = re.compile(
    r"\b\d[\d,.]*\s*-?(mph|km/h|kph|knots?|miles (an|per) hour|kilomet(re|er)s (an|per) hour"
    r"|met(re|er)s (a|per) second)\b|\b(a|one|two|three|\d+) (miles?|kilomet(re|er)s?|km|feet|foot"
    r"|met(re|er)s?) (a|an|every|per|each) (second|minute|hour)\b",
    re.I,
)
_COLOUR = re.compile(
    r"\b(red|orange|yellow|green|blue|purple|violet|pink|brown|black|white|grey|gray|silver"
    r"|gold|golden|beige|navy|maroon|turquoise|crimson|scarlet)\b",
    re.I,
)
_WEIGHT = re.compile(
    r"\b\d+(\.\d+)?\s*(kg|kilos?|kilograms?|pounds|lbs?|stone|tonnes?|tons?)\b", re.I
)

_OUTLET = re.compile(
    r"\b(?i:interview(ed)? (with|by|for)|told|tells|telling|speaking (with|to)|spoke (with|to)"
    r"|speaks (with|to)|talking (with|to)|talked (with|to)|talks (with|to)|said to)\s+"
    rf"(?:the\s+|The\s+)?{_NAME}"
    r"|\b[A-Z][\w’'\-]+[’']s? (interview|podcast|show|programme)\b",
)
"""Whom something was said to: "told Entertainment Weekly", "in an interview with The
Times", "speaking with Fandango"."""

_DEMONYMS = (
    "american|british|english|scottish|welsh|irish|french|german|italian|spanish|portuguese"
    "|dutch|belgian|swiss|austrian|swedish|norwegian|danish|finnish|icelandic|polish|czech"
    "|slovak|hungarian|romanian|bulgarian|greek|turkish|russian|ukrainian|serbian|croatian"
    "|canadian|mexican|brazilian|argentine|argentinian|chilean|colombian|peruvian|cuban"
    "|venezuelan|australian|new zealand|chinese|japanese|korean|south korean|indian"
    "|pakistani|bangladeshi|indonesian|filipino|vietnamese|thai|malaysian|singaporean"
    "|iranian|iraqi|israeli|palestinian|lebanese|syrian|saudi|egyptian|moroccan|algerian"
    "|tunisian|nigerian|ghanaian|kenyan|ethiopian|south african|jamaican|haitian"
)
_ORIGIN = re.compile(
    rf"\b(?i:{_DEMONYMS})(?=[\s-])|\b(?i:from|born in|native of)\s+(the\s+)?{_NAME}"
)
"""A nationality ("the French actress") or a country someone is from."""

_ACTOR = re.compile(
    rf"\b{_NAME} \({_NAME}(\s+{_NAME})+\)|\b{_NAME}\s+{_NAME}[’']s?\s+(\w+\s+)?{_NAME}"
    rf"|\b{_NAME}\s+{_NAME},?\s+(who\s+)?(plays|played|portrays|portrayed|voices|stars as"
    rf"|starring as|as)\b|\b(played|portrayed|voiced) by\s+{_NAME}"
)
"""A part and the actor who plays it."""

_SENTENCE_PATTERNS = {
    AnswerType.DATE: _DATE,
    AnswerType.TIME: _TIME,
    AnswerType.NUMBER: _NUMBER,
    AnswerType.COUNT: _COUNT,
    AnswerType.AGE: _AGE,
    AnswerType.PERSON: _PERSON,
    AnswerType.PLACE: _PLACE,
    AnswerType.MONEY: _MONEY,
    AnswerType.HEIGHT: _HEIGHT,
    AnswerType.DURATION: _DURATION,
    AnswerType.WEIGHT: _WEIGHT,
    AnswerType.DEPTH: _DEPTH,
    AnswerType.BIRTH: _BIRTH,
    AnswerType.SPEED: _SPEED,
    AnswerType.COLOUR: _COLOUR,
    AnswerType.OUTLET: _OUTLET,
    AnswerType.ORIGIN: _ORIGIN,
    AnswerType.ACTOR: _ACTOR,
}


def question_type(question: str) -> AnswerType | None:
    """What kind of answer the question asks for, when it says so."""
    for pattern, kind in _QUESTION_PATTERNS:
        if pattern.search(question):
            return kind
    return None


_BROADER = {AnswerType.ACTOR: AnswerType.PERSON}
"""Kinds whose sentence patterns are narrower than what may answer them: ranking favours
the narrow kind, but only the lack of the broader one refuses the question."""


def refusal_kind(kind: AnswerType | None) -> AnswerType | None:
    """The kind of answer whose absence from the best candidates refuses a question asking
    for ``kind`` (``kind`` itself unless it has a broader one)."""
    return _BROADER.get(kind, kind) if kind is not None else None


def offers(sentence: str, kind: AnswerType) -> bool:
    """Whether the sentence holds something of the kind asked for."""
    return _SENTENCE_PATTERNS[kind].search(_searched_text(sentence, kind)) is not None


_LABEL_NUMBER = re.compile(
    r"(?<!^)(?<![.!?:\"“]\s)\b[A-Z][a-z]+[- ](\d+|One|Two|Three|Four|Five|Six|Seven|Eight|Nine"
    r"|Ten)\b(?![,.]\d)|(?i:\b(part|day|chapter|season|episode|phase|round)[- ](\d+|one|two"
    r"|three|four|five|six|seven|eight|nine|ten)\b(?![,.]\d))"
)
"""A number naming something, not counting it: "Category 4", "Luna-25", "Formula 1", "Part
One" (a capitalised word just before it, not at the start of the sentence: "About 500
people"), "day one" (after a word that numbers parts: a day, a part, an episode)."""


def _searched_text(sentence: str, kind: AnswerType) -> str:
    """The sentence as searched for ``kind``: for a count, without its dates ("July 14")
    and labels ("Category 4")."""
    if kind is not AnswerType.COUNT:
        return sentence
    return _LABEL_NUMBER.sub(" ", _MONTH_DAY.sub(" ", sentence))


_VALUE_KINDS = frozenset(
    {
        AnswerType.DATE,
        AnswerType.NUMBER,
        AnswerType.COUNT,
        AnswerType.AGE,
        AnswerType.MONEY,
        AnswerType.HEIGHT,
        AnswerType.DURATION,
        AnswerType.WEIGHT,
    }
)
"""Kinds of answer that are values two sources can disagree on."""

_MONTH_DAY = re.compile(
    rf"\b(?P<month>{_MONTHS})\.?\s+(?P<day>\d{{1,2}})(st|nd|rd|th)?\b"
    rf"|\b(?P<day2>\d{{1,2}})(st|nd|rd|th)?\s+(of\s+)?(?P<month2>{_MONTHS})\b",
    re.I,
)
_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")
_DIGITS = re.compile(r"\d[\d,]*(\.\d+)?")


def _month(name: str) -> str:
    return name.casefold().rstrip(".")[:3]


def answer_values(sentence: str, kind: AnswerType) -> tuple[tuple[str, str], ...]:
    """The values of ``kind`` a sentence states, each as (normalised key, as written).

    Only precise values count, the kind two sources can contradict: a day of a
    month or a year for a date, a figure written in digits for the others. A
    date's days of the month are listed before its years, so a caller can compare
    the most precise values first.
    """
    if kind not in _VALUE_KINDS:
        return ()
    if kind is AnswerType.DATE:
        days = [
            (f"{_month(m['month'] or m['month2'])} {int(m['day'] or m['day2'])}", m[0])
            for m in _MONTH_DAY.finditer(sentence)
        ]
        years = [(f"year {m.group(0)}", m.group(0)) for m in _YEAR.finditer(sentence)]
        return tuple(days + years)
    values: list[tuple[str, str]] = []
    for match in _SENTENCE_PATTERNS[kind].finditer(_searched_text(sentence, kind)):
        digits = _DIGITS.search(match.group(0))
        if digits is not None:
            values.append((digits.group(0).replace(",", ""), match.group(0).strip()))
    return tuple(values)


_KIND_NAMES: Final[Mapping[AnswerType, tuple[str, ...]]] = {
    AnswerType.OUTLET: (
        *("newspaper", "paper", "magazine", "site", "website", "outlet", "publication"),
        *("channel", "network", "podcast", "broadcaster", "radio", "station"),
    ),
    AnswerType.ORIGIN: ("country", "nationality"),
    AnswerType.SPEED: ("speed", "fast"),
    AnswerType.COLOUR: ("colour", "color"),
}
_KIND_STEMS = {kind: frozenset(map(stem, words)) for kind, words in _KIND_NAMES.items()}


def kind_names(kind: AnswerType | None) -> frozenset[str]:
    """The stems of the words a question uses to name the kind of answer it asks for
    ("which *newspaper* did she talk to", "what *country* is he from"): the sentence that
    answers it ("she told the Gazette", "the Norwegian skipper") need not hold them."""
    return _KIND_STEMS.get(kind, frozenset()) if kind is not None else frozenset()
