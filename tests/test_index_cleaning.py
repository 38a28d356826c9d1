"""Cleaning: page furniture never reaches a passage, the article's body always does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.articles import load_corpus, read_article
from index.builder import build_snapshot
from index.chunking import chunk_paragraphs
from index.cleaning import clean_article
from index.embedding import HashingEmbedder
from index.models import Article, Span
from index.snapshot import IndexSnapshot

DATA = Path(__file__).parent / "data"

SEED_000 = "000_c0f8695bc582e640"
SEED_001 = "001_03ff597da4ffc749"
SEED_002 = "002_371d6967d823f2f5"

# Whole lines of page furniture in the seeds; each must stay out of every passage.
BOILERPLATE_LINES: list[tuple[str, str, str]] = [
    (SEED_000, "tag line", "Pom Klementieff"),
    (
        SEED_000,
        "headline",
        "Pom Klementieff Says Tom Cruise Got Her Into Skydiving: ‘I Love The Run’",
    ),
    (SEED_000, "related header", "Related stories"),
    (
        SEED_000,
        "related headline",
        "Cillian Murphy Didn’t Attend ‘Oppenheimer’ Cast Dinners Because ‘Her Brain Was Too "
        "Full,’ Says Matt Damon",
    ),
    (SEED_000, "related headline", '"John Wick: Chapter 4"'),
    (
        SEED_000,
        "related headline",
        "‘John Wick: Chapter 4’ had a very different ending scene, but test audiences "
        "‘preferred the ambiguous ending’",
    ),
    (
        SEED_001,
        "notification prompt",
        "To make sure you never miss out on your favourite NEW stories, we're happy to send "
        "you some reminders",
    ),
    (SEED_001, "notification prompt", "Click 'OK' then 'Allow' to enable notifications"),
    (
        SEED_001,
        "repeated headline",
        "Tom Cruise refused to kick Pom Klementieff in the stomach as they filmed Mission "
        "Impossible 7",
    ),
    (SEED_001, "image credit", "Featured Image Credit: YouTube/Fandango/E! News"),
    (
        SEED_001,
        "caption",
        "Tom Cruise did one of his most dangerous stunts while filming Mission Impossible",
    ),
    (SEED_001, "caption", "Pom Klementieff even begged Tom Cruise to let her do the stunt."),
    (SEED_001, "image credit", "Paramount Pictures/Christian Black"),
    (SEED_001, "topics footer", "Topics:\u00a0Tom Cruise, Film and TV, Celebrity"),
    (
        SEED_002,
        "headline",
        "'He wouldn't do it': Pom Klementieff urged Tom Cruise to kick her in the stomach",
    ),
    (SEED_002, "repeated caption", "Pom Klementieff wanted Tom Cruise to kick her"),
]

# Fragments of furniture that must not appear anywhere in any passage.
BOILERPLATE_FRAGMENTS = [
    "Click 'OK'",
    "'Allow'",
    "never miss out",
    "send you some reminders",
    "Related stories",
    "Cillian Murphy",
    "Oppenheimer",
    "John Wick",
    "Featured Image Credit",
    "YouTube/Fandango",
    "Paramount Pictures/Christian Black",
    "Topics:",
    "Film and TV, Celebrity",
    "Pom Klementieff even begged Tom Cruise",
    "Pom Klementieff wanted Tom Cruise to kick her",
    "as they filmed Mission Impossible 7",
    "Got Her Into Skydiving",
]

KEY_SENTENCES: list[tuple[str, str]] = [
    (SEED_000, "“I’ve jumped 104 times since October 2021"),
    (SEED_000, "I love haste, I love precision, I love how sharp it makes me."),
    (SEED_000, "he rode a motorcycle off a cliff for the latest film"),
    (SEED_000, "will be released in theaters on Friday, July 15."),
    (SEED_001, "He might be one of the greatest action heroes of all time"),
    (SEED_001, "Shoot in remote Hellesylt, Norway"),
    (SEED_001, "the illusive Grace (Hayley Atwell)"),
    (SEED_001, "speeds into cinemas on July 10."),
    (SEED_002, "[Paris is] very, very, very much a chaotic element"),
    (SEED_002, "during a fight scene in 'Mission: Impossible - Dead Reckoning Part 1'"),
    (SEED_002, "I was having so much fun in the car following the Fiat."),
]


@pytest.fixture(scope="module")
def articles(seeds_dir: Path) -> dict[str, Article]:
    return {a.id: a for a in load_corpus(seeds_dir).articles}


@pytest.fixture(scope="module")
def snapshot(seeds_dir: Path) -> IndexSnapshot:
    built, _ = build_snapshot(load_corpus(seeds_dir), HashingEmbedder())
    return built


def paragraphs_of(article: Article) -> list[str]:
    cleaned = clean_article(article.text, article.title)
    return [article.text[p.start : p.end] for p in cleaned.paragraphs]


def line_occurrences(text: str, line: str) -> list[Span]:
    """Spans of every line of ``text`` that is exactly ``line`` (ignoring outer blanks)."""
    spans: list[Span] = []
    offset = 0
    for raw in text.split("\n"):
        if raw.strip() == line:
            start = offset + raw.index(line)
            spans.append(Span(start, start + len(line)))
        offset += len(raw) + 1
    return spans


def overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def test_seed_articles_use_their_sidecar_titles(articles: dict[str, Article]) -> None:
    assert articles[SEED_001].title == (
        "Tom Cruise refused to kick Pom Klementieff in the stomach as they filmed "
        "Mission Impossible 7"
    )
    assert articles[SEED_000].title.startswith("Pom Klementieff Says Tom Cruise")


@pytest.mark.parametrize(
    ("article_id", "kind", "line"),
    BOILERPLATE_LINES,
    ids=[f"{a[:3]}-{k}-{line[:24]}" for a, k, line in BOILERPLATE_LINES],
)
def test_boilerplate_line_is_in_no_paragraph_and_no_passage(
    articles: dict[str, Article], snapshot: IndexSnapshot, article_id: str, kind: str, line: str
) -> None:
    article = articles[article_id]
    occurrences = line_occurrences(article.text, line)
    assert occurrences, f"test data: {line!r} is not a line of {article_id}"
    cleaned = clean_article(article.text, article.title)
    passages = [p for p in snapshot.passages if p.article_id == article_id]
    for where in occurrences:
        for paragraph in cleaned.paragraphs:
            assert not overlaps(where, paragraph), f"{kind} {line!r} kept as body"
        for passage in passages:
            for sentence in passage.sentences:
                assert not overlaps(where, sentence), f"{kind} {line!r} in passage {passage.id}"
    if len(line.split()) > 3:  # short lines (the tag line) also occur inside real sentences
        assert all(line not in p.text for p in snapshot.passages)


@pytest.mark.parametrize("fragment", BOILERPLATE_FRAGMENTS)
def test_boilerplate_text_is_in_no_passage(
    articles: dict[str, Article], snapshot: IndexSnapshot, fragment: str
) -> None:
    assert any(fragment in a.text for a in articles.values()), "test data"
    for article in articles.values():
        assert all(fragment not in p for p in paragraphs_of(article))
    leaking = [p.text for p in snapshot.passages if fragment in p.text]
    assert leaking == []


@pytest.mark.parametrize(("article_id", "sentence"), KEY_SENTENCES)
def test_body_sentence_is_kept(
    articles: dict[str, Article], snapshot: IndexSnapshot, article_id: str, sentence: str
) -> None:
    assert any(sentence in p for p in paragraphs_of(articles[article_id]))
    assert any(sentence in p.text for p in snapshot.passages if p.article_id == article_id), (
        f"{sentence!r} is in no passage of {article_id}"
    )


def test_every_seed_contributes_passages(snapshot: IndexSnapshot) -> None:
    assert {p.article_id for p in snapshot.passages} == {SEED_000, SEED_001, SEED_002}


def test_an_article_without_metadata_gets_its_headline_as_title(
    seeds_dir: Path, tmp_path: Path
) -> None:
    for sidecar in sorted(seeds_dir.glob("*.json")):
        expected = json.loads(sidecar.read_text(encoding="utf-8"))["title"]
        copy = tmp_path / sidecar.with_suffix(".txt").name
        shutil.copyfile(sidecar.with_suffix(".txt"), copy)  # the text alone, no sidecar
        article = read_article(copy)
        assert article.title == expected
        assert article.source.title == expected


def test_windows_line_endings_and_bom_clean_like_plain_text(
    seeds_dir: Path, tmp_path: Path
) -> None:
    source = seeds_dir / f"{SEED_001}.txt"
    windows = tmp_path / source.name
    windows.write_bytes(b"\xef\xbb\xbf" + source.read_bytes().replace(b"\n", b"\r\n"))
    plain, converted = read_article(source), read_article(windows)
    assert converted.title == plain.title
    assert "\r" not in converted.text
    assert not converted.text.startswith("\ufeff")
    assert paragraphs_of(converted) == paragraphs_of(plain)


def test_synthetic_article_title_comes_from_its_headline() -> None:
    article = read_article(DATA / "index_boilerplate_article.txt")
    assert article.title == "City council approves new cycling lanes after heated debate"


SYNTHETIC_BOILERPLATE = [
    "Sign up for our newsletter",
    "City council approves new cycling lanes after heated debate",  # the headline
    "Photo: Getty Images",
    "Read more:",
    "Mayor unveils budget with record spending on parks",
    "Bus fares to rise for the first time in a decade",
    "Cyclists gathered outside city hall to celebrate the decision.",  # caption
    "Image credit: Reuters",
    "Read more: Parking fines doubled in the old town",
    "Recommended for you",
    "Five cafés worth the trip across town",
    "Why the new stadium is already over budget",
    "Tags: cycling, city council, transport",
]
SYNTHETIC_BODY = [
    "The city council approved a network of protected cycling lanes on Tuesday night",
    "Council members voted nine to four in favour of the plan",
    '"This is a good day for everyone who rides a bike in this city," said Mayor Ana Ruiz',
    "Opponents argued that the lanes would remove hundreds of parking spaces",
    "The first lanes are expected to open next spring, according to the transport department.",
]


def test_synthetic_article_boilerplate_removed_and_body_kept() -> None:
    article = read_article(DATA / "index_boilerplate_article.txt")
    cleaned = clean_article(article.text, article.title)
    body = "\n".join(article.text[p.start : p.end] for p in cleaned.paragraphs)
    passages = [c.text for c in chunk_paragraphs(article.text, cleaned.paragraphs, 600)]
    for furniture in SYNTHETIC_BOILERPLATE:
        assert furniture not in body
        assert all(furniture not in p for p in passages)
    for sentence in SYNTHETIC_BODY:
        assert sentence in body
        assert any(sentence in p for p in passages)


HEADLINE = "Storm batters the coast overnight as thousands lose power"
FIRST = "The storm brought down power lines across the region on Monday night."
LAST = "Crews worked through the night to restore power to thousands of homes."


def page(*middle: str) -> str:
    """A small article: headline, a body paragraph, ``middle`` blocks, a body paragraph."""
    return "\n\n".join([HEADLINE, FIRST, *middle, LAST]) + "\n"


@pytest.mark.parametrize(
    ("block", "furniture"),
    [
        (
            "Read more:\n\nTen tips for driving in snow\nHow to keep your pipes from freezing",
            ["Read more", "Ten tips for driving in snow", "How to keep your pipes"],
        ),
        (
            "Recommended for you\n\nFive cafés worth the trip across town\n"
            "Why the new stadium is already over budget",
            ["Recommended for you", "Five cafés", "new stadium"],
        ),
        (
            "You may also like\n\nTen tips for driving in snow",
            ["You may also like", "Ten tips"],
        ),
        ("Power lines lie across a road in Kent.\nPhoto: Getty Images", ["Kent", "Getty"]),
        ("A fallen tree blocks the high street.\nImage credit: Reuters", ["tree", "Reuters"]),
        (
            "Linesmen repair a cable in Dover on Tuesday.\nAP Photo/John Smith",
            ["Linesmen repair a cable", "John Smith"],
        ),
        ("Tags: weather, storms, power cuts", ["Tags:", "power cuts"]),
        ("Filed under: Weather", ["Filed under"]),
        ("Sign up for our newsletter", ["newsletter"]),
        ("Subscribe to our newsletter for the latest updates", ["newsletter"]),
        ("Enable push notifications to get breaking news alerts", ["notifications"]),
        ("We use cookies to improve your experience", ["cookies"]),
    ],
    ids=[
        "read-more-list",
        "recommended-list",
        "you-may-also-like",
        "caption-and-photo-credit",
        "caption-and-image-credit",
        "caption-and-agency-credit",
        "tags-footer",
        "filed-under",
        "newsletter",
        "subscribe",
        "push-notifications",
        "cookies",
    ],
)
def test_other_boilerplate_forms_are_removed(block: str, furniture: list[str]) -> None:
    text = page(block)
    cleaned = clean_article(text)
    body = [text[p.start : p.end] for p in cleaned.paragraphs]
    assert body == [FIRST, LAST]
    passages = [c.text for c in chunk_paragraphs(text, cleaned.paragraphs, 600)]
    for fragment in furniture:
        assert all(fragment not in p for p in passages)
    assert text[cleaned.headline.start : cleaned.headline.end] == HEADLINE  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "credit", ["Photo: Getty Images", "Image credit: Reuters", "Getty Images", "PA Wire"]
)
def test_image_credit_under_the_headline_is_removed(credit: str) -> None:
    text = f"{HEADLINE}\n{credit}\n\n{FIRST}\n\n{LAST}\n"
    cleaned = clean_article(text)
    assert [text[p.start : p.end] for p in cleaned.paragraphs] == [FIRST, LAST]


# -- edge cases: body text that looks like furniture, furniture that looks like body ------


def test_body_sentence_mentioning_never_miss_is_kept() -> None:
    quote = (
        "“I never miss a game,” said the 82-year-old fan, who has attended every home match "
        "since 1961."
    )
    text = page(quote)
    paragraphs = [text[p.start : p.end] for p in clean_article(text).paragraphs]
    assert quote in paragraphs


def test_body_sentence_starting_with_more_from_is_kept() -> None:
    sentence = "More from the hearing will be broadcast on Friday evening."
    text = page(sentence)
    paragraphs = [text[p.start : p.end] for p in clean_article(text).paragraphs]
    assert sentence in paragraphs


def test_body_paragraph_before_a_standalone_credit_is_kept() -> None:
    text = page("Getty Images")
    paragraphs = [text[p.start : p.end] for p in clean_article(text).paragraphs]
    assert paragraphs == [FIRST, LAST]


def test_related_headline_ending_with_question_mark_is_removed() -> None:
    text = page("Related stories\n\nIs your home ready for winter?\nTen tips for driving in snow")
    paragraphs = [text[p.start : p.end] for p in clean_article(text).paragraphs]
    assert paragraphs == [FIRST, LAST]


def test_short_headline_becomes_title_without_metadata(tmp_path: Path) -> None:
    path = tmp_path / "fed_story.txt"
    path.write_text(
        "Fed raises rates\n\nThe Federal Reserve raised interest rates by a quarter point on "
        "Wednesday.\n",
        encoding="utf-8",
    )
    assert read_article(path).title == "Fed raises rates"


# -- furniture of real pages (lines as published; the pages were found in the search
# tool's pages corpus: themessenger.com, whattowatch.com, clutchpoints.com, vulture.com,
# discussingfilm.net, suicidegirls.com, independent.co.uk, hawaii tribune-herald,
# theglobeandmail.com, digitaltrends.com) ----------------------------------------------

REAL_HEADLINE = "Simon Pegg on Benji, Tom Cruise and the longest shoot of his life"
REAL_FIRST = (
    "Just before Wednesday's release, we spoke to Pegg about almost quitting Dead "
    "Reckoning, being in awe of Cruise, and sticking with Mission: Impossible until he dies."
)
REAL_LAST = (
    "The seventh Mission: Impossible film has landed on a consistent team that includes "
    "returnees Rebecca Ferguson, Vanessa Kirby and Henry Czerny."
)


def body_of(text: str, title: str | None = None) -> list[str]:
    return [text[p.start : p.end] for p in clean_article(text, title).paragraphs]


def test_a_dateline_glued_to_the_first_line_is_cut_off_it() -> None:
    first = (
        "Following the success of 2004's beloved cult classic Shaun of the Dead, Simon Pegg "
        "joked that he wouldn't run off to Hollywood and star in, say, Mission: Impossible III."
    )
    text = f" date 2023-07-11 {first}\n\n{REAL_LAST}\n"
    cleaned = clean_article(text)
    assert body_of(text) == [first, REAL_LAST]
    [dateline] = [line for line in cleaned.lines if line.kind == "dateline"]
    assert text[dateline.span.start : dateline.span.end] == "date 2023-07-11"


def test_a_dateline_glued_to_the_headline_leaves_the_headline() -> None:
    headline = "Esai Morales Explains Why His Villain Is “Ferocious” In ‘Mission: Impossible’"
    text = f" date 2023-07-11 {headline}\n\n{REAL_FIRST}\n\n{REAL_LAST}\n"
    cleaned = clean_article(text)
    assert cleaned.headline is not None
    assert text[cleaned.headline.start : cleaned.headline.end] == headline
    assert body_of(text) == [REAL_FIRST, REAL_LAST]


@pytest.mark.parametrize(
    "banner",
    [
        "NOTE: This post contains spoilers for the ending of Mission: Impossible – Dead "
        "Reckoning Part One.",
        "Warning — spoilers ahead:",
        "Warning: Spoilers ahead for Mission: Impossible — Dead Reckoning Part One",
        "Warning! This post spoils many plot details of Mission: Impossible — Dead Reckoning "
        "Part One.",
    ],
)
def test_spoiler_banners_are_removed(banner: str) -> None:
    text = f"{REAL_HEADLINE}\n\n{REAL_FIRST}\n\n{banner}\n\n{REAL_LAST}\n"
    assert body_of(text) == [REAL_FIRST, REAL_LAST]


def test_a_sentence_that_mentions_spoilers_in_passing_is_kept() -> None:
    sentence = (
        "McQuarrie said the cast were sworn to secrecy and that even the crew were kept away "
        "from spoilers about the train sequence for months."
    )
    text = f"{REAL_HEADLINE}\n\n{REAL_FIRST}\n\n{sentence}\n\n{REAL_LAST}\n"
    assert body_of(text) == [REAL_FIRST, sentence, REAL_LAST]


@pytest.mark.parametrize(
    "furniture",
    [
        "Skip to main content",
        "Open this photo in gallery:",
        "by Andrew J. Salazar",
        "Friday 17 November 2023 21:28",
        "UPDATE: 2:30 p.m.",
        "This piece was written during the 2023 WGA and SAG-AFTRA strikes. Without the labor "
        "of the writers and actors currently on strike, the film being covered here wouldn’t "
        "exist.",
        "Update: Hurricane Idalia made landfall Wednesday morning. Read the latest here. Our "
        "earlier story is below.",
        "Wildfire damage in Lahaina. (AP photo)",
        "Tom Cruise, Simon Pegg, Ving Rhames and Rebecca Ferguson in Mission: Impossible Dead "
        "Reckoning - Part One. (Image credit: Paramount Pictures/Skydance)",
        "Christopher McQuarrie attends the U.K. premiere of Mission: Impossible – Dead "
        "Reckoning Part One, on June 22, in London.John Phillips/Getty Images",
    ],
)
def test_navigation_bylines_time_stamps_notes_and_captions_are_removed(furniture: str) -> None:
    text = f"{REAL_HEADLINE}\n\n{REAL_FIRST}\n\n{furniture}\n\n{REAL_LAST}\n"
    assert body_of(text) == [REAL_FIRST, REAL_LAST]


def test_a_subheading_between_paragraphs_is_removed() -> None:
    text = f"{REAL_HEADLINE}\n\n{REAL_FIRST}\n\nWhy Rome?\n\n{REAL_LAST}\n"
    cleaned = clean_article(text)
    assert body_of(text) == [REAL_FIRST, REAL_LAST]
    assert "subheading" in {line.kind for line in cleaned.lines}


def test_an_interview_keeps_its_questions_and_every_labelled_answer() -> None:
    lines = [
        "Q: Tom and Ving will forever be the true OGs, but how does it feel to suddenly be "
        "the other longtime veteran of the franchise?",
        "Simon Pegg: It's funny; I no longer feel like the new guy",
        "Q: Did you ever think you would still be playing Benji?",
        "Simon Pegg: Never",
        "Q: Why Rome?",
        "Simon Pegg: Because McQ wanted the car chase there",
    ]
    text = f"{REAL_HEADLINE}\n\n{REAL_FIRST}\n\n" + "\n\n".join(lines) + f"\n\n{REAL_LAST}\n"
    assert body_of(text) == [REAL_FIRST, *lines, REAL_LAST]


def test_an_interview_labelled_with_initials_keeps_its_short_answers() -> None:
    lines = [
        "Ryan Stewart: Hey Simon, how's it going?",
        "Simon Pegg: Hey Ryan, how are you?",
        "RS: Enjoying LA?",
        "SP: Loving it",
        "RS: And the new film?",
        "SP: Very different from the last one",
    ]
    text = f"{REAL_HEADLINE}\n\n{REAL_FIRST}\n\n" + "\n\n".join(lines) + f"\n\n{REAL_LAST}\n"
    assert body_of(text) == [REAL_FIRST, *lines, REAL_LAST]


def test_a_review_keeps_its_bulleted_pros_and_cons() -> None:
    bullets = [
        "  • The part with the motorcycle",
        "  • The part with the tiny car",
        "  • Maybe too many characters",
    ]
    text = (
        f"{REAL_HEADLINE}\n\n{REAL_FIRST}\n\nPros\n"
        + "\n".join(bullets[:2])
        + "\nCons\n"
        + bullets[2]
        + f"\n\n{REAL_LAST}\n"
    )
    assert body_of(text) == [REAL_FIRST, *(b.strip() for b in bullets), REAL_LAST]


def test_a_sentence_ending_with_a_colon_before_a_quote_is_kept() -> None:
    lead_in = (
        "Jokes aside, the actor used the opportunity to discuss how he has been preparing "
        "for the jump his whole life:"
    )
    quote = "I have been riding motorcycles since I was a little kid, and racing cars too."
    text = f"{REAL_HEADLINE}\n\n{REAL_FIRST}\n\n{lead_in}\n\n{quote}\n\n{REAL_LAST}\n"
    assert body_of(text) == [REAL_FIRST, lead_in, quote, REAL_LAST]


def test_a_short_label_ending_with_a_colon_is_still_furniture() -> None:
    text = f"{REAL_HEADLINE}\n\n{REAL_FIRST}\n\nWatch The Trailer Here:\n\n{REAL_LAST}\n"
    assert body_of(text) == [REAL_FIRST, REAL_LAST]


def test_a_heading_after_the_body_has_begun_is_not_taken_as_the_headline(
    tmp_path: Path,
) -> None:
    first = "As the film gears up for release, its star opened up about the stunt he did first."
    heading = "The Stunt Everyone Is Talking About"
    path = tmp_path / "no_headline.txt"
    path.write_text(f"{first}\n\n{heading}\n\n{REAL_LAST}\n", encoding="utf-8")
    cleaned = clean_article(path.read_text(encoding="utf-8"))
    kinds = {
        path.read_text(encoding="utf-8")[line.span.start : line.span.end]: line.kind
        for line in cleaned.lines
    }
    assert kinds[first] == "body"
    assert kinds[heading] != "headline"
