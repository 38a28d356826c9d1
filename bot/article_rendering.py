"""What ``/add-article`` and ``/remove-article`` show (pure: no Discord, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.rendering import DISCORD, Card, Limits, Markup, Tone, clip, safe_url, tidy
from index.intake import RemovedArticle, WrittenArticle
from index.models import SourceRef

NOTHING_CHANGED = "Nothing was changed."


def added_text(article: WrittenArticle, markup: Markup = DISCORD) -> str:
    """``Added **Title** (Outlet · date) as `id`.`` with a link to the page when known."""
    title = markup.escape(clip(tidy(article.title), 200))
    url = safe_url(article.url)
    # <url>: a link without Discord's preview embed next to the report's
    shown = (
        markup.link(markup.bold(title), f"<{url}>")
        if url and markup is DISCORD
        else markup.bold(title)
    )
    details = " · ".join(markup.escape(tidy(d)) for d in (article.outlet, article.date) if d)
    verb = "Replaced" if article.replaced else "Added"
    line = f"{verb} {shown}{f' ({details})' if details else ''} as {markup.code(article.id)}."
    if url and markup is not DISCORD:
        line += f"\n{url}"
    return line


def removed_text(article: RemovedArticle, markup: Markup = DISCORD) -> str:
    title = markup.escape(clip(tidy(article.title), 200))
    return (
        f"Removed {markup.bold(title)} ({markup.code(article.id)}); its files were moved to "
        f"the articles folder's .removed/ folder."
    )


def refused_card(action: str, reason: str) -> Card:
    """Why an article was not added (or removed): the reason, and that nothing changed."""
    reason = tidy(reason)
    sentence = reason[:1].upper() + reason[1:]
    if not sentence.endswith((".", "!", "?")):
        sentence += "."
    return Card(
        title=f"Article not {action}",
        description=f"{DISCORD.escape(sentence)}\n{NOTHING_CHANGED}",
        tone=Tone.ERROR,
    )


def refused_text(action: str, reason: str) -> str:
    card = refused_card(action, reason)
    return f"! {card.title}: {card.description.replace(chr(10), ' ')}"


def article_choices(sources: Iterable[SourceRef], current: str) -> list[tuple[str, str]]:
    """Autocomplete choices ``(name, value=id)`` for the indexed articles matching ``current``
    (in the id or the title), best first: id or title starting with it, then containing it."""
    needle = current.strip().casefold()
    ranked: list[tuple[int, str, SourceRef]] = []
    for source in sources:
        if len(source.id) > Limits.CHOICE_VALUE:
            continue  # cannot be a choice value; typing the id still works
        title = tidy(source.title or "") or source.id
        haystacks = (source.id.casefold(), title.casefold())
        if needle and not any(needle in h for h in haystacks):
            continue
        rank = 0 if not needle or any(h.startswith(needle) for h in haystacks) else 1
        ranked.append((rank, title.casefold(), source))
    ranked.sort(key=lambda item: (item[0], item[1]))
    out: list[tuple[str, str]] = []
    for _, _, source in ranked[: Limits.CHOICES]:
        title = tidy(source.title or "") or source.id
        suffix = f" ({source.id})" if title != source.id else ""
        name = clip(title, Limits.CHOICE_NAME - len(suffix)) + suffix
        out.append((clip(name, Limits.CHOICE_NAME), source.id))
    return out
