"""What /add-article and /remove-article show: pure builders, Discord's limits, no pings."""

from __future__ import annotations

from pathlib import Path

from bot.article_rendering import added_text, article_choices, refused_card, removed_text
from bot.rendering import PLAIN
from index.intake import RemovedArticle, WrittenArticle
from index.models import SourceRef


def written(**overrides: object) -> WrittenArticle:
    values: dict[str, object] = {
        "id": "keeper",
        "title": "Keeper leaves lighthouse",
        "path": Path("seeds/keeper.txt"),
        "sidecar": Path("seeds/keeper.json"),
        "replaced": False,
        "url": "https://courier.example/keeper",
        "outlet": "The Courier",
        "date": "2025-03-14",
    }
    values.update(overrides)
    return WrittenArticle(**values)  # type: ignore[arg-type]


def test_added_line_links_the_page_without_a_preview() -> None:
    assert added_text(written()) == (
        "Added [**Keeper leaves lighthouse**](<https://courier.example/keeper>) "
        "(The Courier · 2025-03-14) as `keeper`."
    )
    assert added_text(written(url=None, outlet=None, date=None, replaced=True)) == (
        "Replaced **Keeper leaves lighthouse** as `keeper`."
    )
    assert added_text(written(), PLAIN) == (
        "Added **Keeper leaves lighthouse** (The Courier · 2025-03-14) as [keeper].\n"
        "https://courier.example/keeper"
    )


def test_untrusted_titles_cannot_format_or_ping() -> None:
    text = added_text(written(title="@everyone **free** [click](https://evil.example)", url=None))
    assert "@everyone" not in text and "**free**" not in text
    assert "\\[click\\](https://evil.example)" in text  # shown as typed, not a link
    assert added_text(written(url="javascript:alert(1)")).count("javascript") == 0
    removed = removed_text(RemovedArticle("x", "@here now", ()))
    assert "@here" not in removed


def test_refusals_say_why_and_that_nothing_changed() -> None:
    card = refused_card("added", "the page answered HTTP 404 Not Found")
    assert card.title == "Article not added"
    assert card.description == "The page answered HTTP 404 Not Found.\nNothing was changed."


def test_article_choices_match_id_or_title_best_first() -> None:
    sources = [
        SourceRef(id="001_rail", title="Minister defends rail fare rise"),
        SourceRef(id="keeper", title="Last keeper leaves Skerrow lighthouse"),
        SourceRef(id="railway-museum", title="Museum opens"),
        SourceRef(id="x" * 101, title="An id too long to be a choice value"),
    ]
    assert article_choices(sources, "rail") == [
        ("Museum opens (railway-museum)", "railway-museum"),
        ("Minister defends rail fare rise (001_rail)", "001_rail"),
    ]
    assert [v for _, v in article_choices(sources, "LIGHT")] == ["keeper"]
    assert len(article_choices(sources, "")) == 3
    many = [SourceRef(id=f"a{i}", title="T" * 150) for i in range(40)]
    choices = article_choices(many, "")
    assert len(choices) == 25 and all(len(name) <= 100 for name, _ in choices)
    assert all(name.endswith(f"({value})") for name, value in choices)
