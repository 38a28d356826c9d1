"""Quote extraction: the quotes a reader sees, exactly where they are, and nothing else."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.models import Span
from index.quotes import Quote, extract_quotes, load_gold, score_extraction
from index.quotes.text import split_paragraphs

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
OWN_ARTICLES = Path(__file__).parent / "data" / "quote_articles"
OPENING_MARKS = "\"“‘'«„"

# What the cleaner drops from the seeds (notification prompts, "Related stories"
# blocks and their headlines, the topics footer), so the tests do not depend on it.
BOILERPLATE_STARTS = (
    "Related stories",
    "Cillian Murphy Didn’t Attend",
    '"John Wick: Chapter 4"',
    "‘John Wick: Chapter 4’ had",
    "To make sure you never miss",
    "Click 'OK'",
    "Topics:",
)


def content_paragraphs(text: str) -> list[Span]:
    return [
        p
        for p in split_paragraphs(text)
        if not text[p.start : p.end].startswith(BOILERPLATE_STARTS)
    ]


@cache
def seed_text(article_id: str) -> str:
    return (SEEDS / f"{article_id}.txt").read_text(encoding="utf-8")


@cache
def seed_quotes(article_id: str) -> tuple[Quote, ...]:
    text = seed_text(article_id)
    return tuple(extract_quotes(text, content_paragraphs(text)))


SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))
OWN_FILES = sorted(OWN_ARTICLES.glob("*.txt"))


def texts(quotes: Sequence[Quote]) -> list[str]:
    return [q.text for q in quotes]


def find(quotes: Sequence[Quote], start: str) -> Quote:
    matching = [q for q in quotes if q.text.startswith(start)]
    assert len(matching) == 1, f"{start!r} in {texts(quotes)}"
    return matching[0]


def assert_spans_point_into(text: str, quotes: Sequence[Quote]) -> None:
    for quote in quotes:
        assert 0 <= quote.span.start < quote.span.end <= len(text)
        region = text[quote.span.start : quote.span.end]
        assert region[0] in OPENING_MARKS, region
        assert quote.parts[0].start == quote.span.start
        assert quote.parts[-1].end == quote.span.end
        for part in quote.parts:
            inner = text[part.start + 1 : part.end].rstrip("\"”’'»").strip()
            assert inner in quote.text
        if quote.parent is not None:
            parent = quotes[quote.parent]
            assert parent.span.start <= quote.span.start < quote.span.end <= parent.span.end


# -- the seeds ----------------------------------------------------------------------------


@pytest.mark.parametrize("article_id", SEED_IDS)
def test_every_seed_quote_span_is_the_quoted_region(article_id: str) -> None:
    assert_spans_point_into(seed_text(article_id), seed_quotes(article_id))


def test_seed_extraction_finds_every_gold_quote_and_nothing_else() -> None:
    scores = score_extraction({a: seed_quotes(a) for a in SEED_IDS}, load_gold())
    assert scores.precision >= 0.95, scores.report()
    assert scores.recall >= 0.95, scores.report()


def test_quoted_phrases_in_headlines_are_found() -> None:
    run = find(seed_quotes("000_c0f8695bc582e640"), "I Love The Run")
    wouldnt = find(seed_quotes("002_371d6967d823f2f5"), "He wouldn't do it")
    assert run.in_headline and wouldnt.in_headline
    assert wouldnt.text == "He wouldn't do it"


def test_titles_and_scare_quotes_are_not_speech() -> None:
    found = {q.text for a in SEED_IDS for q in seed_quotes(a)}
    for not_speech in (
        "Mission: Impossible – Dead Reckoning – Part I",
        "Dead Reckoning",
        "Dead Reckoning,",
        "Top Gun",
        "the most dangerous stunt of his career",
        "Mission: Impossible - Dead Reckoning Part 1",
        "Mission: Impossible",
        "help",
        "rebel",
    ):
        assert not_speech not in found
    assert not any(t.startswith("chaotic") for t in found)


def test_quote_split_by_its_attribution_is_one_quote() -> None:
    quote = find(seed_quotes("000_c0f8695bc582e640"), "I’ve jumped 104 times")
    assert len(quote.parts) == 2
    assert "as a gift wrap, I love haste" in quote.text
    assert quote.text.endswith("it’s magical.")


def test_quote_running_over_paragraphs_is_one_quote() -> None:
    text = seed_text("002_371d6967d823f2f5")
    quote = find(seed_quotes("002_371d6967d823f2f5"), "[She] destroys everything")
    assert len(quote.parts) == 3
    assert quote.text.endswith("So that was cool.")
    assert text[quote.span.start : quote.span.end].count("\n\n") == 2


def test_bracketed_insertions_are_kept() -> None:
    quotes = seed_quotes("002_371d6967d823f2f5")
    assert find(quotes, "[Paris is] very, very, very much").text.endswith("going to do.")
    assert "[I said], 'You can just go for it.'" in find(quotes, "I kept telling him").text


def test_curly_quote_closed_by_a_straight_mark() -> None:
    quote = find(seed_quotes("001_03ff597da4ffc749"), "She's a rebel")
    assert quote.text == (
        "She's a rebel, she's a killer, she's extremely skilled and quite lonely too."
    )


@pytest.mark.parametrize("article_id", SEED_IDS)
def test_reported_speech_inside_a_quote_is_nested(article_id: str) -> None:
    quotes = seed_quotes(article_id)
    inner = [q for q in quotes if q.parent is not None]
    assert [q.text.replace("’", "'") for q in inner][:2] == [
        "You can just go for it.",
        "No, no, no, no, no.",
    ]
    assert all(
        quotes[q.parent].text.startswith("I kept telling him")
        for q in inner
        if q.parent is not None
    )


def test_title_inside_a_quote_is_not_a_nested_quote() -> None:
    quotes = seed_quotes("002_371d6967d823f2f5")
    assert "Mission: Impossible" not in texts(quotes)


def test_without_paragraphs_the_text_is_split_on_blank_lines() -> None:
    text = seed_text("001_03ff597da4ffc749")
    assert texts(extract_quotes(text)) == texts(seed_quotes("001_03ff597da4ffc749"))


# -- general English news syntax (own articles and short snippets) -------------------------

OWN_EXPECTED: dict[str, list[str]] = {
    "rail_fares": [
        "Nobody likes paying more, but these lines have been starved of investment for "
        "decades, We are finally putting that right.",
        "Families are already stretched to breaking point, This is the wrong decision at "
        "the wrong time.",
        "every penny will be spent on the routes that need it most.",
        "We will work with the government to make sure passengers see the benefits quickly.",
        "Of course they will, They always do.",
    ],
    "harbour_floods": [
        "We have never seen anything like this,",
        "The drains simply could not cope.",
        "This is a disaster for families who have lost everything,",
        "We will rebuild. We will help every household that needs it. But we also have to "
        "ask hard questions about why the warnings came so late.",
        "Our forecasts were accurate and timely,",
        "Nobody told us anything,",
    ],
    "tennis_final": [
        "I was so nervous I couldn't eat breakfast, but once I walked on court, everything "
        "felt calm.",
        "She has been hitting the ball like this in practice since March, Before the final I "
        "told her, 'Just play your game and the results will come.' She looked at me and said,"
        " 'I know.' That was it.",
        "Just play your game and the results will come.",
        "I know.",
        "Nina was the better player today. I have no complaints.",
        "Maybe some sleep.",
        "It is a big moment for her and for the club,",
    ],
    "bakery_closures": [
        "We had no choice",
        "We have had to make some very painful choices. None of them were easy.",
        'One of my members said to me, "I found out from a text at 6am," That is no way to '
        "treat people.",
        "I found out from a text at 6am,",
        "We will try to find new roles for as many colleagues as possible,",
        "It is the end of an era,",
    ],
}


@pytest.mark.parametrize("path", OWN_FILES, ids=lambda p: p.stem)
def test_own_articles_quotes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    quotes = extract_quotes(text)
    assert texts(quotes) == OWN_EXPECTED[path.stem]
    assert_spans_point_into(text, quotes)


def test_scare_quote_in_a_headline_is_not_speech() -> None:
    text = (OWN_ARTICLES / "tennis_final.txt").read_text(encoding="utf-8")
    assert "fearless" not in texts(extract_quotes(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"It is over," she said, "and we lost."', ["It is over, and we lost."]),
        ("He told the BBC: 'We will appeal.'", ["We will appeal."]),
        ("«Nous gagnerons», said the minister. He added: «Wait.»", ["Nous gagnerons", "Wait."]),
        ('The band played "Hey Jude" and "Let It Be" all night.', []),
        ("The actress' favourite scene, Cruise’s bike, rock 'n' roll in the '90s.", []),
        ('Critics called it "a mess" and moved on.', []),
        ("She said: “We will appeal. Nobody can stop us.", ["We will appeal. Nobody can stop us."]),
    ],
)
def test_snippets(text: str, expected: list[str]) -> None:
    quotes = extract_quotes(text)
    assert [q.text for q in quotes if q.parent is None] == expected
    assert_spans_point_into(text, quotes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("''We will appeal,'' Ms. Ortiz said.", [("We will appeal,", None)]),
        (
            "''He told me, 'Leave now.''' Mr. Dale said. ''I did.''",
            [("He told me, 'Leave now.'", None), ("Leave now.", 0), ("I did.", None)],
        ),
        (
            "They say to him, '''Sir, we stay.' That is all,'' she said.",
            [("'Sir, we stay.' That is all,", None), ("Sir, we stay.", 0)],
        ),
    ],
)
def test_two_apostrophes_are_one_double_mark(
    text: str, expected: list[tuple[str, int | None]]
) -> None:
    quotes = extract_quotes(text)
    assert [(q.text, q.parent) for q in quotes] == expected
    for quote in quotes:
        region = text[quote.span.start : quote.span.end]
        assert region.strip("'") == quote.text.strip("'")


def test_single_quotes_at_top_level_with_double_quotes_inside() -> None:
    text = "'My neighbour said, \"Run!\" and we ran,' Ms Lee told reporters."
    quotes = extract_quotes(text)
    assert texts(quotes) == ['My neighbour said, "Run!" and we ran,', "Run!"]
    assert quotes[1].parent == 0


@pytest.mark.parametrize(
    "text", ["", "   \n\n  ", '"', "“”", "‘’’‘", '""""', "'", '"a\n\n"b\n\n"', "\x00\ud7ff"]
)
def test_degenerate_input_does_not_crash(text: str) -> None:
    for quote in extract_quotes(text):
        assert 0 <= quote.span.start <= quote.span.end <= len(text)


# -- never crash, spans always in range ----------------------------------------------------

QUOTE_HEAVY = st.lists(
    st.sampled_from([*"ab AB.,:;!?\n\"'“”‘’«»()[]—-", " said ", "She ", "Tom Cruise "]),
    max_size=120,
).map("".join)


def check_spans(text: str, quotes: list[Quote]) -> None:
    for quote in quotes:
        assert 0 <= quote.span.start <= quote.span.end <= len(text)
        assert quote.parts
        for part in quote.parts:
            assert quote.span.start <= part.start <= part.end <= quote.span.end
        if quote.parent is not None:
            assert 0 <= quote.parent < len(quotes)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_text(text: str) -> None:
    check_spans(text, extract_quotes(text))


@settings(max_examples=300, deadline=None)
@given(QUOTE_HEAVY)
def test_any_arrangement_of_quote_marks(text: str) -> None:
    check_spans(text, extract_quotes(text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_paragraph_spans(data: st.DataObject) -> None:
    text = data.draw(QUOTE_HEAVY)
    bounds = st.integers(min_value=0, max_value=len(text))
    pairs = data.draw(st.lists(st.tuples(bounds, bounds), max_size=6))
    paragraphs = [Span(min(a, b), max(a, b)) for a, b in pairs]
    quotes = extract_quotes(text, paragraphs)
    check_spans(text, quotes)
    for quote in quotes:
        assert any(
            p.start <= quote.span.start < p.end or p.start == quote.span.start for p in paragraphs
        )


# -- with the real cleaner, when it is there ------------------------------------------------


def test_seeds_through_the_article_cleaner() -> None:
    cleaning = pytest.importorskip("index.cleaning")
    predicted: dict[str, list[Quote]] = {}
    for article_id in SEED_IDS:
        text = seed_text(article_id)
        title = json.loads((SEEDS / f"{article_id}.json").read_text(encoding="utf-8"))["title"]
        cleaned = cleaning.clean_article(text, title)
        paragraphs = ([cleaned.headline] if cleaned.headline else []) + list(cleaned.paragraphs)
        predicted[article_id] = extract_quotes(text, paragraphs)
    scores = score_extraction(predicted, load_gold())
    assert scores.precision >= 0.95 and scores.recall >= 0.95, scores.report()
