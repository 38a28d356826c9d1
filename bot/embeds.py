"""Cards as ``discord.Embed`` objects, and autocomplete choices (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable

import discord
from discord import app_commands

from bot.rendering import Card, Limits, Tone, fit_card, quote_choices

COLOURS: dict[Tone, discord.Colour] = {
    Tone.ANSWER: discord.Colour.blurple(),
    Tone.NOT_FOUND: discord.Colour.light_grey(),
    Tone.INFO: discord.Colour.teal(),
    Tone.SUCCESS: discord.Colour.green(),
    Tone.WARNING: discord.Colour.gold(),
    Tone.ERROR: discord.Colour.red(),
}


def card_to_embed(card: Card) -> discord.Embed:
    """An embed showing ``card``, within every embed limit."""
    card = fit_card(card)
    embed = discord.Embed(
        title=card.title or None,
        description=card.description or None,
        colour=COLOURS[card.tone],
        url=card.url,
    )
    for field in card.fields[: Limits.FIELDS]:
        embed.add_field(name=field.name, value=field.value, inline=field.inline)
    if card.footer:
        embed.set_footer(text=card.footer)
    return embed


def choices(suggestions: Iterable[str]) -> list[app_commands.Choice[str]]:
    """At most 25 autocomplete choices, names and values at most 100 characters."""
    return [
        app_commands.Choice(name=name, value=value) for name, value in quote_choices(suggestions)
    ]
