"""Rendering is pure: any text in, Discord-valid embeds out, nobody pinged."""

from __future__ import annotations

import re

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.embeds import card_to_embed, choices
from bot.feedback_store import GapEntry
from bot.rendering import (
    DISCORD,
    ELLIPSIS,
    PLAIN,
    Card,
    CardField,
    Limits,
    card_to_text,
    clip,
    clip_start,
    discord_len,
    escape_markdown,
    fit_card,
    highlighted_passage,
    neutralise_mentions,
    pick_passages,
    progress_text,
    quote_choices,
    render_answer,
    render_more,
    render_report,
    render_sources,
    render_speaker_quotes,
    render_unanswered,
    render_who_said,
    safe_url,
)
from index.models import (
    ArticleInfo,
    BuildReport,
    Conflict,
    ConflictingClaim,
    CorpusInfo,
    PassageHit,
    QuoteMatch,
    SearchResult,
    SkippedFile,
    SourceRef,
    WhoSaidResult,
)
from tests.bot_support.fake_service import FakeAnswerService

MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)

# ------------------------------------------------------------------ strategies

nasty = st.sampled_from(
    [
        "@everyone",
        "@here",
        "@EVERYONE",
        "**",
        "`",
        "> ",
        "# ",
        "\n",
        "[x](https://evil.example)",
        "<@123>",
        "<@&456>",
        "😀",
        "𝕏",
        "\u200b",
        "\\",
        ". ",
        "? ",
        "_",
        "~~",
        "||",
    ]
)
texts = st.lists(st.one_of(st.text(max_size=80), nasty), max_size=12).map("".join)
long_texts = st.one_of(
    texts,
    st.builds(lambda t, n: t * n, texts, st.integers(1, 120)),
)
urls = st.one_of(
    st.none(),
    st.just("https://example.com/a?b=c"),
    st.just("javascript:alert(1)"),
    st.just("https://example.com/a) [b](c"),
    texts,
)
sources = st.builds(
    SourceRef,
    id=texts,
    title=long_texts,
    url=urls,
    outlet=st.one_of(st.none(), texts),
    published=st.one_of(st.none(), texts),
)
hits = st.builds(
    PassageHit,
    text=long_texts,
    highlight=long_texts,
    score=st.floats(0, 1),
    sources=st.lists(sources, min_size=1, max_size=4).map(tuple),
)
search_results = st.builds(
    SearchResult,
    question=long_texts,
    answered=st.booleans(),
    passages=st.lists(hits, max_size=5).map(tuple),
    conflicts=st.lists(
        st.builds(
            Conflict,
            kind=long_texts,
            claims=st.lists(
                st.builds(
                    ConflictingClaim,
                    value=long_texts,
                    highlight=long_texts,
                    sources=st.lists(sources, min_size=1, max_size=3).map(tuple),
                ),
                max_size=4,
            ).map(tuple),
        ),
        max_size=3,
    ).map(tuple),
)
gap_entries = st.lists(
    st.builds(
        GapEntry, question=long_texts, refused=st.integers(0, 10**6), down_votes=st.integers(0, 99)
    ),
    max_size=40,
)
quote_matches = st.builds(
    QuoteMatch,
    speaker=st.one_of(st.none(), long_texts),
    quote=long_texts,
    said_to=st.one_of(st.none(), long_texts),
    score=st.floats(0, 1),
    sources=st.lists(sources, max_size=4).map(tuple),
    wordings=st.lists(long_texts, max_size=6).map(tuple),
)
who_said_results = st.builds(
    WhoSaidResult, query=long_texts, matches=st.lists(quote_matches, max_size=5).map(tuple)
)
corpus_infos = st.builds(
    CorpusInfo,
    articles=st.lists(
        st.builds(
            ArticleInfo,
            source=sources,
            path=texts,
            passages=st.integers(0, 10**6),
            quotes=st.integers(0, 10**6),
        ),
        max_size=60,
    ).map(tuple),
    built_at=st.one_of(texts, st.just("2025-01-02T03:04:05+00:00"), st.just("2025-01-02")),
    model=long_texts,
    passages=st.integers(0, 10**9),
    quotes=st.integers(0, 10**9),
)
reports = st.builds(
    BuildReport,
    articles=st.integers(0, 10**6),
    passages=st.integers(0, 10**6),
    quotes=st.integers(0, 10**6),
    seconds=st.floats(0, 10**6),
    skipped=st.lists(st.builds(SkippedFile, path=texts, reason=long_texts), max_size=80).map(tuple),
    added=st.lists(texts, max_size=300).map(tuple),
    removed=st.lists(texts, max_size=30).map(tuple),
    changed=st.lists(long_texts, max_size=30).map(tuple),
)

SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------ invariants


def assert_within_limits(card: Card) -> None:
    assert discord_len(card.title) <= Limits.TITLE
    assert discord_len(card.description) <= Limits.DESCRIPTION
    assert discord_len(card.footer) <= Limits.FOOTER
    assert len(card.fields) <= Limits.FIELDS
    for f in card.fields:
        assert 0 < discord_len(f.name) <= Limits.FIELD_NAME
        assert 0 < discord_len(f.value) <= Limits.FIELD_VALUE
    assert card.size() <= Limits.TOTAL
    for text in (
        card.title,
        card.description,
        card.footer,
        *[f.name for f in card.fields],
        *[f.value for f in card.fields],
    ):
        assert not MASS_MENTION.search(text), text
    if card.url is not None:
        assert card.url.startswith(("http://", "https://"))
    embed = card_to_embed(card)
    assert len(embed) <= Limits.TOTAL
    data = embed.to_dict()
    assert discord_len(data.get("title", "")) <= Limits.TITLE
    assert discord_len(data.get("description", "")) <= Limits.DESCRIPTION


def assert_markup_balanced(text: str) -> None:
    assert len(re.findall(r"(?<!\\)\*\*", text)) % 2 == 0, text


@SLOW
@given(search_results)
def test_answers_fit_discord_whatever_the_text(result: SearchResult) -> None:
    card = render_answer(result)
    assert_within_limits(card)
    assert_markup_balanced(card.description)
    text = card_to_text(render_answer(result, PLAIN))
    assert not MASS_MENTION.search(text)


@SLOW
@given(search_results)
def test_more_fits_discord_whatever_the_text(result: SearchResult) -> None:
    assert_within_limits(render_more(result))
    assert not MASS_MENTION.search(card_to_text(render_more(result, PLAIN)))


@SLOW
@given(long_texts, st.lists(quote_matches, max_size=30))
def test_speaker_quotes_fit_discord(speaker: str, matches: list[QuoteMatch]) -> None:
    assert_within_limits(render_speaker_quotes(speaker, matches))


@SLOW
@given(gap_entries)
def test_unanswered_fits_discord(entries: list[GapEntry]) -> None:
    assert_within_limits(render_unanswered(entries))


@SLOW
@given(who_said_results)
def test_who_said_fits_discord_whatever_the_text(result: WhoSaidResult) -> None:
    assert_within_limits(render_who_said(result))
    assert not MASS_MENTION.search(card_to_text(render_who_said(result, PLAIN)))


@SLOW
@given(corpus_infos)
def test_sources_fit_discord_whatever_the_corpus(info: CorpusInfo) -> None:
    assert_within_limits(render_sources(info))


@SLOW
@given(reports)
def test_reindex_reports_fit_discord(report: BuildReport) -> None:
    assert_within_limits(render_report(report))


@SLOW
@given(st.lists(long_texts, max_size=60))
def test_autocomplete_choices_fit_discord(suggestions: list[str]) -> None:
    result = quote_choices(suggestions)
    assert len(result) <= Limits.CHOICES
    assert len({value for _, value in result}) == len(result)
    for name, value in result:
        assert 1 <= discord_len(name) <= Limits.CHOICE_NAME
        assert 1 <= discord_len(value) <= Limits.CHOICE_VALUE
        assert not MASS_MENTION.search(name)
    assert all(isinstance(c, discord.app_commands.Choice) for c in choices(suggestions))


@given(long_texts, st.integers(0, 5000))
def test_clip_never_exceeds_the_limit(text: str, limit: int) -> None:
    clipped = clip(text, limit)
    assert discord_len(clipped) <= limit
    if discord_len(text) <= limit:
        assert clipped == text
    elif limit >= 2:
        assert clipped.endswith(ELLIPSIS)
    assert discord_len(clip_start(text, limit)) <= limit


@given(long_texts)
def test_fit_card_enforces_every_limit(text: str) -> None:
    card = Card(
        title=text * 3,
        description=text * 50,
        fields=tuple(CardField(text * 4, text * 20) for _ in range(30)),
        footer=text * 30,
        url=text,
    )
    assert_within_limits(fit_card(card))


@given(texts)
def test_mass_mentions_are_neutralised(text: str) -> None:
    assert not MASS_MENTION.search(neutralise_mentions(text))
    assert not MASS_MENTION.search(escape_markdown(text))


@given(st.text(max_size=300), st.floats(allow_nan=True, allow_infinity=True))
def test_progress_text_fits_content(stage: str, fraction: float) -> None:
    text = progress_text(stage, fraction)
    assert discord_len(text) <= Limits.CONTENT
    assert not MASS_MENTION.search(text)


# ------------------------------------------------------------------ examples


def test_clip_cuts_at_a_sentence_boundary() -> None:
    text = "Tom Cruise refused. He would not kick her. " + "More words here. " * 20
    clipped = clip(text, 62)
    assert clipped == "Tom Cruise refused. He would not kick her. " + "More words here. …"
    assert clip("short", 10) == "short"


def test_clip_falls_back_to_a_word_boundary() -> None:
    assert clip("one two three four five six seven", 20) == "one two three four…"


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert discord_len("😀") == 2
    assert discord_len(clip("😀" * 10, 7)) <= 7


def test_answer_highlights_the_answering_sentence_and_cites_the_source() -> None:
    result = FakeAnswerService().ask("who refused to kick whom?")
    card = render_answer(result)
    assert card.description.startswith(
        "**According to Pom Klementieff, Tom Cruise refused to kick her in the stomach during "
        "a fight scene.**\n"
    )
    assert "[Tom Cruise refused to kick Pom Klementieff" in card.description
    assert "(https://example.com/news/cruise-kick)" in card.description
    assert "*Example News*" in card.description
    assert "001_03ff597da4ffc749" not in card.description
    assert card.url == "https://example.com/news/cruise-kick"
    assert [f.name for f in card.fields] == ["Also in"]


def _source(n: int, **extra: str) -> SourceRef:
    return SourceRef(id=f"{n:03d}_abcdef", title=f"Headline number {n}", **extra)


def test_the_answer_card_is_short_answer_first_then_context_then_citation() -> None:
    text = (
        "The film was shot in Rome and Venice over many months. " * 6
        + "Christopher McQuarrie directed the film. "
        + "He also wrote it with Erik Jendresen, and the two had worked together before on "
        "several of the earlier films in the series."
    )
    hit = PassageHit(
        text=text,
        highlight="Christopher McQuarrie directed the film.",
        score=0.9,
        sources=(_source(1, outlet="The Outlet", published="2023-07-11", url="https://e.x/a"),),
    )
    card = render_answer(SearchResult("Who directed the film?", True, (hit,)))
    answer, context, citation_line = card.description.split("\n")
    assert answer == "**Christopher McQuarrie directed the film.**"
    assert context.startswith("> He also wrote it with Erik Jendresen")
    assert discord_len(context) <= 310
    assert citation_line == "— [Headline number 1](https://e.x/a) · *The Outlet* · 2023-07-11"
    assert card.fields == ()


def test_also_in_lists_each_other_article_once_and_no_file_ids() -> None:
    same = (_source(1), _source(2), _source(2), _source(3))
    hits = (
        PassageHit("Cruise refused to kick her.", "Cruise refused to kick her.", 0.9, same),
        PassageHit("She asked him to kick her.", "She asked him to kick her.", 0.8, (_source(3),)),
        PassageHit("He said no, twice.", "He said no, twice.", 0.7, (_source(4), _source(1))),
    )
    card = render_answer(SearchResult("who refused?", True, hits))
    [also] = card.fields
    assert also.name == "Also in"
    assert also.value.split("\n") == [
        "• Headline number 2",
        "• Headline number 3",
        "• Headline number 4",
    ]
    assert "abcdef" not in card.description + also.value


def test_a_source_without_title_is_shown_by_its_file_id() -> None:
    hit = PassageHit("Cruise refused.", "Cruise refused.", 0.9, (SourceRef(id="007_x", title=""),))
    card = render_answer(SearchResult("who refused?", True, (hit,)))
    assert card.description.endswith("— `007_x`")


def test_conflicting_sources_are_shown_side_by_side() -> None:
    opens_15 = ConflictingClaim(
        "July 15", "The film opens on July 15.", (_source(1, outlet="Daily A"),)
    )
    opens_10 = ConflictingClaim(
        "July 10", "It reaches cinemas on July 10.", (_source(2, outlet="Daily B"),)
    )
    hit = PassageHit(opens_15.highlight, opens_15.highlight, 0.9, opens_15.sources)
    result = SearchResult(
        "when does the film open?",
        True,
        (hit,),
        conflicts=(Conflict("date", (opens_15, opens_10)),),
    )
    card = render_answer(result)
    header, *claims = card.fields
    assert header.name == "Sources disagree" and not header.inline
    assert "(date)" in header.value
    assert [(c.name, c.value, c.inline) for c in claims] == [
        (
            "July 15",
            "**The film opens on July 15.**\n— Headline number 1 · *Daily A*",
            True,
        ),
        (
            "July 10",
            "**It reaches cinemas on July 10.**\n— Headline number 2 · *Daily B*",
            True,
        ),
    ]


def test_more_shows_the_other_passages_with_their_sources() -> None:
    result = FakeAnswerService().ask("who refused to kick whom?")
    card = render_more(result)
    assert card.title == "More on: who refused to kick whom?"
    [field] = card.fields
    assert field.name.startswith("'He wouldn't do it'")
    assert "**Tom Cruise refused to kick Pom Klementieff in the stomach" in field.value
    assert_within_limits(card)


def test_no_answer_points_to_sources() -> None:
    card = render_answer(SearchResult("what is the weather on mars?", False, ()))
    assert "I couldn't find that in the articles" in card.description
    assert "/sources" in card.description


def _hit(text: str, source_id: str, highlight: str | None = None) -> PassageHit:
    return PassageHit(
        text=text,
        highlight=highlight or text,
        score=0.5,
        sources=(SourceRef(id=source_id, title=f"Title {source_id}"),),
    )


def test_further_passages_only_when_new_or_from_other_sources() -> None:
    best = _hit("Cruise refused to kick her in the stomach.", "a")
    same = _hit("Cruise refused to kick her in the stomach!", "a")
    other_source = _hit("Cruise refused to kick her in the stomach.", "b")
    new_fact = _hit("Klementieff loves skydiving with Cruise.", "a")
    extra = _hit("Another new fact about filming in Venice.", "c")
    result = SearchResult("q", True, (best, same, other_source, new_fact, extra))
    assert pick_passages(result) == [best, other_source, new_fact]


def test_markdown_in_articles_is_escaped_but_highlight_is_bold() -> None:
    hit = _hit(
        "A *star* said: `hi` @everyone. The end.", "x", highlight="A *star* said: `hi` @everyone."
    )
    text = highlighted_passage(hit, DISCORD, 500)
    assert text.startswith("**A \\*star\\* said: \\`hi\\` @\u200beveryone.**")
    assert not MASS_MENTION.search(text)


def test_links_only_for_http_urls() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://example.com/a b)") == "https://example.com/a%20b%29"
    assert safe_url(None) is None


def test_who_said_shows_speaker_every_wording_addressee_and_sources() -> None:
    result = FakeAnswerService().who_said("he wouldn't do it")
    card = render_who_said(result)
    assert card.description.startswith("**Pom Klementieff** said, to **E! News**:")
    assert "> “He wouldn't do it”" in card.description
    assert "> “he just wouldn't do it”" in card.description
    assert "`002_371d6967d823f2f5`" in card.description
    assert "`001_03ff597da4ffc749`" in card.description


def test_nobody_said_that() -> None:
    card = render_who_said(WhoSaidResult("to be or not to be", ()))
    assert card.description.startswith("Nobody in the articles said that.")


def test_sources_lists_articles_and_how_the_index_was_built() -> None:
    card = render_sources(FakeAnswerService().info())
    assert card.title == "3 indexed articles"
    assert card.description.count("4 passages, 1 quote") == 3
    built = dict((f.name, f.value) for f in card.fields)["Index built"]
    assert built == "<t:1735787045:f> with `fake-model (generation 1)`"


def test_report_says_what_changed_and_what_was_skipped() -> None:
    card = render_report(FakeAnswerService().reindex())
    fields = {f.name: f.value for f in card.fields}
    assert "**3** articles, **12** passages, **2** quotes" in card.description
    assert "1 added, 0 removed, 1 changed, 1 unchanged." in card.description
    assert fields["Added (1)"] == "`003_new_article`"
    assert fields["Changed (1)"] == "`001_03ff597da4ffc749`"
    assert fields["Skipped (1)"] == "`notes.pdf`: not a .txt or .md file"


def test_console_text_uses_the_same_builders_without_discord_markup() -> None:
    text = card_to_text(render_answer(FakeAnswerService().ask("who refused to kick whom?"), PLAIN))
    assert "who refused to kick whom?" in text.splitlines()[0]
    assert "<https://example.com/news/cruise-kick>" in text
    assert "`" not in text


def test_an_on_topic_refusal_says_what_is_missing_and_what_the_articles_cover() -> None:
    result = SearchResult(
        "How tall is Tom Cruise?",
        False,
        (),
        asked_for="height",
        covers=("Tom Cruise refused to kick Pom Klementieff", "Pom Klementieff Says Tom Cruise"),
    )
    card = render_answer(result)
    assert card.description.startswith("The articles don't give the height you asked for.")
    assert "• Tom Cruise refused to kick Pom Klementieff" in card.description
    assert "• Pom Klementieff Says Tom Cruise" in card.description
    assert_within_limits(card)


def test_an_off_topic_refusal_points_to_sources() -> None:
    card = render_answer(SearchResult("What is the capital of Australia?", False, ()))
    assert card.description.startswith("I couldn't find that in the articles.")
    assert "/sources" in card.description
