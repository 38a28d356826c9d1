"""Pure rendering of answers into cards: no Discord, no I/O.

A :class:`Card` is what an embed shows (title, description, fields, footer),
already within Discord's limits. ``bot.embeds`` turns a card into a
``discord.Embed``; :func:`card_to_text` turns it into terminal text. Both use
the same builders below, parameterised by a :class:`Markup` (Discord markdown
or plain text).

Every piece of text that comes from a user or an article goes through
:func:`neutralise_mentions` (a zero-width space after ``@`` in ``@everyone`` /
``@here``) and is escaped for markdown before it is shown; lengths are
measured in UTF-16 code units (never less than Discord's own count) and long
text is cut at a sentence boundary, with an ellipsis.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from urllib.parse import quote, urlsplit

from bot.feedback_store import GapEntry, Vote, VoteOutcome
from index.models import (
    BuildReport,
    CorpusInfo,
    PassageHit,
    QuoteMatch,
    SearchResult,
    SkippedFile,
    SourceRef,
    WhoSaidResult,
)


class Limits:
    """Discord's documented limits."""

    CONTENT = 2000
    TITLE = 256
    DESCRIPTION = 4096
    FIELD_NAME = 256
    FIELD_VALUE = 1024
    FOOTER = 2048
    AUTHOR = 256
    FIELDS = 25
    TOTAL = 6000
    EMBEDS = 10
    CHOICES = 25
    CHOICE_NAME = 100
    CHOICE_VALUE = 100


ELLIPSIS = "…"
ZWSP = "\u200b"
MAX_EXTRA_PASSAGES = 2

_MASS_MENTION = re.compile(r"@(?=(everyone|here))", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s|$)")
_WORDS = re.compile(r"\w+", re.UNICODE)
_MARKDOWN_CHARS = re.compile(r"([\\*_~`|>\[\]])")
_LINE_START_MARKUP = re.compile(r"^(\s*)(#+|-#?|\d+(?=\.))(?=[\s.])", re.MULTILINE)
_BOLD_MARKER = re.compile(r"(?<!\\)\*\*")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


# ---------------------------------------------------------------- text basics


def discord_len(text: str) -> int:
    """Length as Discord may count it: UTF-16 code units (>= code points)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _prefix_within(text: str, limit: int) -> str:
    """The longest prefix of ``text`` whose ``discord_len`` is at most ``limit``."""
    if limit <= 0:
        return ""
    head = text[:limit]
    if discord_len(head) <= limit:
        return head
    low, high = 0, len(head)  # astral characters count twice: search the cut
    while low < high:
        middle = (low + high + 1) // 2
        if discord_len(head[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return head[:low]


def neutralise_mentions(text: str) -> str:
    """Insert a zero-width space after ``@`` in ``@everyone``/``@here`` so nobody is pinged."""
    return _MASS_MENTION.sub("@" + ZWSP, text)


def tidy(text: str) -> str:
    """Collapse runs of spaces and blank lines; strip the ends; neutralise mass mentions."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return neutralise_mentions(_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip())


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` (UTF-16 units), at a sentence end if one is near, with ``…``.

    Falls back to a word boundary, then to a hard cut. Never longer than ``limit``.
    """
    if discord_len(text) <= limit:
        return text
    if limit <= 1:
        return _prefix_within(ELLIPSIS, limit)
    room = _prefix_within(text, limit - 2)
    floor = max(1, len(room) // 2)
    ends = [m.end() for m in _SENTENCE_END.finditer(room) if m.end() >= floor]
    if ends:
        return room[: ends[-1]].rstrip() + " " + ELLIPSIS
    room = _prefix_within(text, limit - 1)
    cut = max(room.rfind(" "), room.rfind("\n"))
    if cut >= max(1, len(room) // 2):
        return room[:cut].rstrip() + ELLIPSIS
    return room + ELLIPSIS


def clip_start(text: str, limit: int) -> str:
    """Keep the *end* of ``text`` within ``limit``, starting at a sentence or word, with ``…``."""
    if discord_len(text) <= limit:
        return text
    if limit <= 1:
        return _prefix_within(ELLIPSIS, limit)
    reversed_room = _prefix_within(text[::-1], limit - 2)
    room = reversed_room[::-1]
    offset = len(text) - len(room)
    starts = [
        m.end() - offset
        for m in _SENTENCE_END.finditer(text)
        if m.end() > offset and m.end() - offset <= len(room) // 2
    ]
    if starts:
        return ELLIPSIS + " " + room[starts[0] :].lstrip()
    space = room.find(" ")
    if 0 <= space <= len(room) // 2:
        return ELLIPSIS + room[space:].lstrip()
    return ELLIPSIS + room[1:]


def clip_markup(text: str, limit: int) -> str:
    """:func:`clip` for text that already holds markup: keeps ``**`` pairs balanced."""
    text = clip(text, limit)
    markers = list(_BOLD_MARKER.finditer(text))
    if len(markers) % 2:
        last = markers[-1]
        text = text[: last.start()] + text[last.end() :]
    if text.endswith("\\" + ELLIPSIS):
        text = text[: -len(ELLIPSIS) - 1] + ELLIPSIS
    return text


def fit(build: Callable[[int], str], limit: int) -> str:
    """The result of ``build(n)`` for the largest raw budget ``n`` that fits ``limit``.

    ``build`` renders with at most ``n`` characters of raw text; markup and escaping
    make the result longer by an unknown amount, so budgets are tried downwards.
    """
    budget = limit
    while budget > 0:
        rendered = build(budget)
        size = discord_len(rendered)
        if size <= limit:
            return rendered
        budget = min(budget - 1, budget * limit // size)
    rendered = build(0)
    return rendered if discord_len(rendered) <= limit else clip_markup(rendered, limit)


def similar(a: str, b: str, threshold: float = 0.8) -> bool:
    """Whether two texts share most of their words (Jaccard similarity)."""
    wa = {w.lower() for w in _WORDS.findall(a)}
    wb = {w.lower() for w in _WORDS.findall(b)}
    if not wa or not wb:
        return a.strip() == b.strip()
    return len(wa & wb) / len(wa | wb) >= threshold


# ---------------------------------------------------------------- markup


@dataclass(frozen=True, slots=True)
class Markup:
    """How emphasis, links and code look in one output (Discord or a terminal)."""

    name: str
    escape: Callable[[str], str]
    bold: Callable[[str], str]
    italic: Callable[[str], str]
    code: Callable[[str], str]
    link: Callable[[str, str], str]
    quote_line: Callable[[str], str]
    timestamp: Callable[[datetime], str]


def escape_markdown(text: str) -> str:
    """Escape Discord markdown (and neutralise mass mentions) in untrusted text."""
    text = neutralise_mentions(text)
    text = _MARKDOWN_CHARS.sub(r"\\\1", text)
    return _LINE_START_MARKUP.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker.isdigit():
        return indent + marker + "\\"  # "1." -> "1\." (the dot follows)
    return indent + "\\" + marker


def safe_url(url: str | None) -> str | None:
    """An http(s) URL safe to put in a markdown link, or ``None``."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 1000:
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


def _discord_code(text: str) -> str:
    text = text.replace("`", "ˋ")
    return f"`{text}`" if text else ""


def _discord_link(label: str, url: str) -> str:
    return f"[{label}]({url})"


def _discord_quote(text: str) -> str:
    return "\n".join("> " + line for line in text.split("\n"))


DISCORD = Markup(
    name="discord",
    escape=escape_markdown,
    bold=lambda s: f"**{s}**" if s else "",
    italic=lambda s: f"*{s}*" if s else "",
    code=_discord_code,
    link=_discord_link,
    quote_line=_discord_quote,
    timestamp=lambda dt: f"<t:{int(dt.timestamp())}:f>",
)

PLAIN = Markup(
    name="plain",
    escape=neutralise_mentions,
    bold=lambda s: f"**{s}**" if s else "",
    italic=lambda s: s,
    code=lambda s: f"[{s}]" if s else "",
    link=lambda label, url: f"{label} <{url}>",
    quote_line=lambda s: "\n".join("  | " + line for line in s.split("\n")),
    timestamp=lambda dt: dt.strftime("%Y-%m-%d %H:%M %Z").strip(),
)


# ---------------------------------------------------------------- cards


class Tone(Enum):
    """What a card says, which sets its colour."""

    ANSWER = "answer"
    NOT_FOUND = "not_found"
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class CardField:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Card:
    """What one embed shows; :func:`fit_card` keeps it within Discord's limits."""

    title: str
    description: str = ""
    fields: tuple[CardField, ...] = ()
    footer: str = ""
    tone: Tone = Tone.INFO
    url: str | None = None

    def size(self) -> int:
        """Characters counted toward Discord's 6,000 per-message embed total."""
        return (
            discord_len(self.title)
            + discord_len(self.description)
            + discord_len(self.footer)
            + sum(discord_len(f.name) + discord_len(f.value) for f in self.fields)
        )


def fit_card(card: Card) -> Card:
    """Enforce every embed limit on ``card`` (the last line of defence)."""
    fields = tuple(
        CardField(
            clip_markup(neutralise_mentions(f.name), Limits.FIELD_NAME) or ZWSP,
            clip_markup(neutralise_mentions(f.value), Limits.FIELD_VALUE) or ZWSP,
            f.inline,
        )
        for f in card.fields[: Limits.FIELDS]
    )
    card = replace(
        card,
        title=clip_markup(neutralise_mentions(card.title), Limits.TITLE),
        description=clip_markup(neutralise_mentions(card.description), Limits.DESCRIPTION),
        footer=clip_markup(neutralise_mentions(card.footer), Limits.FOOTER),
        fields=fields,
        url=safe_url(card.url),
    )
    while card.size() > Limits.TOTAL:
        excess = card.size() - Limits.TOTAL
        if card.fields and discord_len(card.description) < 1000:
            card = replace(card, fields=card.fields[:-1])
        elif discord_len(card.description) > 200:
            keep = max(200, discord_len(card.description) - excess)
            card = replace(card, description=clip_markup(card.description, keep))
        elif card.fields:
            card = replace(card, fields=card.fields[:-1])
        else:
            keep = max(0, discord_len(card.footer) - excess)
            card = replace(card, footer=clip_markup(card.footer, keep))
    return card


def fit_content(text: str) -> str:
    """A plain message within the 2,000-character content limit, mass mentions neutralised."""
    return clip_markup(neutralise_mentions(text), Limits.CONTENT)


# ---------------------------------------------------------------- sources


def source_line(source: SourceRef, markup: Markup) -> str:
    """``Title · Outlet · file-id`` with the title linked when the URL is known."""
    title = markup.escape(tidy(source.title) or source.id)
    url = safe_url(source.url)
    parts = [markup.link(title, url) if url else markup.bold(title)]
    if source.outlet and tidy(source.outlet):
        parts.append(markup.italic(markup.escape(tidy(source.outlet))))
    parts.append(markup.code(tidy(source.id)))
    return " · ".join(p for p in parts if p)


def sources_block(sources: Sequence[SourceRef], markup: Markup, limit: int) -> str:
    """One line per source, as many as fit in ``limit``, then how many more."""
    unique = list(dict.fromkeys(sources))
    lines: list[str] = []
    used = 0
    for index, source in enumerate(unique):
        left_after = len(unique) - index - 1
        room = limit - used - (16 if left_after else 0)
        line = source_line(source, markup)
        if discord_len(line) > room:
            if lines:
                lines.append(f"…and {left_after + 1} more")
                break
            line = clip_markup(line, max(0, room))
        lines.append(line)
        used += discord_len(line) + 1
    return clip_markup("\n".join(lines), limit)


# ---------------------------------------------------------------- /ask


def _find_highlight(text: str, highlight: str) -> tuple[int, int] | None:
    if not highlight.strip():
        return None
    start = text.find(highlight)
    if start >= 0:
        return start, start + len(highlight)
    words = [re.escape(w) for w in highlight.split()]
    if not words:
        return None
    match = re.search(r"\s+".join(words), text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def highlighted_passage(hit: PassageHit, markup: Markup, limit: int) -> str:
    """The passage with its answering sentence in bold, cut around it to fit ``limit``."""
    text = tidy(hit.text)
    highlight = tidy(hit.highlight)
    span = _find_highlight(text, highlight)
    if span is None:
        before, core, after = "", "", text
        if highlight and not text:
            core = highlight
    else:
        before, core, after = text[: span[0]], text[span[0] : span[1]], text[span[1] :]

    def build(budget: int) -> str:
        core_raw = clip(core, max(budget * 3 // 5, min(budget, 60)))
        rest = max(0, budget - discord_len(core_raw))
        after_raw = clip(after, rest - rest // 3) if after.strip() else ""
        before_raw = clip_start(before, rest - discord_len(after_raw)) if before.strip() else ""
        if not core_raw:
            return markup.escape(clip(after, budget).strip())
        pieces = [
            markup.escape(before_raw.rstrip()) if before_raw.strip() else "",
            markup.bold(markup.escape(core_raw.strip())),
            markup.escape(after_raw.lstrip()) if after_raw.strip() else "",
        ]
        return " ".join(p for p in pieces if p)

    return fit(build, limit)


def _adds_something(hit: PassageHit, shown: Sequence[PassageHit]) -> bool:
    """A further passage is shown when it comes from another source or says something new."""
    shown_sources = {s.id for h in shown for s in h.sources}
    if any(s.id not in shown_sources for s in hit.sources):
        return True
    return not any(similar(hit.highlight, h.highlight) or similar(hit.text, h.text) for h in shown)


def pick_passages(result: SearchResult, extra: int = MAX_EXTRA_PASSAGES) -> list[PassageHit]:
    """The best passage, then up to ``extra`` that add something or come from other sources."""
    hits = [h for h in result.passages if h.sources and (h.text.strip() or h.highlight.strip())]
    if not hits:
        return []
    chosen = [hits[0]]
    for hit in hits[1:]:
        if len(chosen) > extra:
            break
        if _adds_something(hit, chosen):
            chosen.append(hit)
    return chosen


NOT_FOUND_TEXT = "I couldn't find that in the articles."
SOURCES_HINT = "Use /sources to see which articles I know."

ANSWER_CHARS = 350
"""The bold answering sentence: read at a glance."""
CONTEXT_CHARS = 300
"""At most a few lines of the passage around it."""
ALSO_IN_SHOWN = 5
CONFLICTS_SHOWN = 2
CLAIMS_SHOWN = 3
"""Discord shows up to three inline fields side by side."""


def citation(source: SourceRef, markup: Markup) -> str:
    """``Title · Outlet · date``, the title linked when the URL is known.

    The file id only stands in when the article has no title.
    """
    title = markup.escape(clip(tidy(source.title), 200)) or markup.code(tidy(source.id))
    url = safe_url(source.url)
    parts = [markup.link(title, url) if url else title]
    if source.outlet and tidy(source.outlet):
        parts.append(markup.italic(markup.escape(clip(tidy(source.outlet), 100))))
    if source.published and tidy(source.published):
        parts.append(markup.escape(clip(tidy(source.published), 40)))
    return " · ".join(p for p in parts if p)


def _article_key(source: SourceRef) -> str:
    return source.id


def also_in(sources: Iterable[SourceRef], exclude: SourceRef, markup: Markup, limit: int) -> str:
    """Other articles, compactly, each once (the main source left out), within ``limit``."""
    seen = {_article_key(exclude)}
    unique: list[SourceRef] = []
    for source in sources:
        if _article_key(source) not in seen:
            seen.add(_article_key(source))
            unique.append(source)
    lines: list[str] = []
    for index, source in enumerate(unique):
        more = len(unique) - index
        line = "• " + citation(source, markup)
        if index == ALSO_IN_SHOWN or discord_len("\n".join([*lines, line])) > limit - 20:
            lines.append(f"…and {more} more (press More)")
            break
        lines.append(line)
    return clip_markup("\n".join(lines), limit)


def answer_parts(hit: PassageHit) -> tuple[str, str, str]:
    """The passage split around its answering sentence: ``(before, answer, after)``."""
    text = tidy(hit.text)
    highlight = tidy(hit.highlight)
    span = _find_highlight(text, highlight)
    if span is None:
        if highlight:
            return "", highlight, ""
        return "", text, ""
    return text[: span[0]], text[span[0] : span[1]], text[span[1] :]


def context_lines(before: str, after: str, markup: Markup, limit: int = CONTEXT_CHARS) -> str:
    """What the passage says around the answer, as a short quote: what follows it, and
    what precedes it when little follows (``…`` marks where the answer stands)."""
    after, before = after.strip(), before.strip()
    if len(after) >= 80 or not before:
        text = clip(after, limit)
    elif not after:
        text = clip_start(before, limit)
    else:
        head = clip_start(before, max(0, limit - discord_len(after) - 3))
        text = f"{head} … {clip(after, limit - discord_len(head) - 3)}" if head else after
    return markup.quote_line(markup.escape(text)) if text.strip() else ""


def _conflict_fields(result: SearchResult, markup: Markup) -> list[CardField]:
    fields: list[CardField] = []
    for conflict in result.conflicts[:CONFLICTS_SHOWN]:
        claims = [c for c in conflict.claims if tidy(c.highlight)][:CLAIMS_SHOWN]
        if len(claims) < 2:
            continue
        fields.append(
            CardField(
                "Sources disagree",
                f"The articles give different answers ({markup.escape(conflict.kind)}):",
                inline=False,
            )
        )
        for claim in claims:
            name = clip(tidy(claim.value) or tidy(claim.highlight), 100)
            cited = "\n".join(f"— {citation(source, markup)}" for source in claim.sources[:3])
            value = f"{markup.bold(markup.escape(clip(tidy(claim.highlight), 300)))}\n{cited}"
            fields.append(CardField(markup.escape(name), clip_markup(value, 700), inline=True))
    return fields


COVERS_SHOWN = 3


def refusal_text(result: SearchResult, markup: Markup) -> str:
    """Why there is no answer, honestly: what the question asks for that no article gives,
    and which articles come nearest, so the reader knows what the articles do cover."""
    asked = tidy(result.asked_for or "")
    lead = (
        f"The articles don't give the {markup.escape(clip(asked, 60))} you asked for."
        if asked
        else NOT_FOUND_TEXT
    )
    titles = [clip(tidy(t), 150) for t in dict.fromkeys(result.covers) if tidy(t)]
    if titles:
        listed = "\n".join(f"• {markup.escape(t)}" for t in titles[:COVERS_SHOWN])
        return f"{lead} The nearest articles are about:\n{listed}"
    return f"{lead} Try other words, or {markup.code('/sources')} to see which articles I know."


def render_answer(result: SearchResult, markup: Markup = DISCORD) -> Card:
    """The ``/ask`` card, read in five seconds.

    The answering sentence first, short and bold; a few lines of context under it; its
    source as title · outlet · date (linked when known); the other articles that say it,
    each once; and, when the sources disagree, each value beside its source.
    """
    title = clip(tidy(result.question) or "Your question", Limits.TITLE - 2)
    title = markup.escape(title)
    hits = pick_passages(result) if result.answered else []
    if not hits:
        return fit_card(
            Card(title=title, description=refusal_text(result, markup), tone=Tone.NOT_FOUND)
        )
    best, *more = hits
    before, answer, after = answer_parts(best)
    lines = [markup.bold(markup.escape(clip(answer.strip(), ANSWER_CHARS)))]
    context = context_lines(before, after, markup)
    if context:
        lines.append(context)
    lines.append(f"— {citation(best.source, markup)}")
    description = "\n".join(lines)
    fields: list[CardField] = []
    # "Also in": other articles that say the same thing; "More in": the articles of the
    # other passages shown under More, each listed once across both
    same = also_in(best.sources[1:], best.source, markup, 900)
    if same:
        fields.append(CardField("Also in", same))
    listed = {_article_key(source) for source in best.sources}
    related = also_in(
        [s for h in more for s in h.sources if _article_key(s) not in listed],
        best.source,
        markup,
        600,
    )
    if related:
        fields.append(CardField("More in", related))
    fields += _conflict_fields(result, markup)
    count = len({s.id for h in hits for s in h.sources})
    footer = f"From {count} article{'s' if count != 1 else ''} · /sources lists every article"
    return fit_card(
        Card(
            title=title,
            description=description,
            fields=tuple(fields),
            footer=footer,
            tone=Tone.ANSWER,
            url=safe_url(best.source.url),
        )
    )


def render_more(result: SearchResult, markup: Markup = DISCORD) -> Card:
    """What "More" shows: the passages after the first, in full, and every source."""
    title = markup.escape(clip(f"More on: {tidy(result.question)}", Limits.TITLE - 2))
    hits = [h for h in result.passages if h.sources and (h.text.strip() or h.highlight.strip())]
    if not result.answered or len(hits) < 2:
        text = "That is all the articles say about it." if hits else NOT_FOUND_TEXT
        sources = sources_block([s for h in hits for s in h.sources], markup, 1500)
        return fit_card(Card(title=title, description=f"{text}\n{sources}".strip(), tone=Tone.INFO))
    fields = []
    for hit in hits[1 : Limits.FIELDS]:
        name = clip(tidy(hit.source.title) or hit.source.id, Limits.FIELD_NAME)
        cited = "\n".join(f"— {citation(s, markup)}" for s in dict.fromkeys(hit.sources))
        cited = clip_markup(cited, 300)
        body = highlighted_passage(hit, markup, Limits.FIELD_VALUE - discord_len(cited) - 2)
        fields.append(CardField(markup.escape(name), f"{body}\n{cited}"))
    count = len({s.id for h in hits for s in h.sources})
    return fit_card(
        Card(
            title=title,
            description=f"{len(hits) - 1} more passage{'s' if len(hits) != 2 else ''} "
            f"from {count} article{'s' if count != 1 else ''}:",
            fields=tuple(fields),
            tone=Tone.INFO,
        )
    )


def answer_summary(result: SearchResult) -> str:
    """The answer as shown, in plain text, as the feedback database keeps it."""
    return card_to_text(render_answer(result, PLAIN))


# ---------------------------------------------------------------- /who-said


NOBODY_TEXT = "Nobody in the articles said that."


def all_wordings(match: QuoteMatch) -> list[str]:
    """The quote and every other wording of it, without repeats."""
    seen: dict[str, str] = {}
    for wording in (match.quote, *match.wordings):
        text = tidy(wording).strip("\"“”'‘’ ")
        key = " ".join(_WORDS.findall(text.lower()))
        if text and key not in seen:
            seen[key] = text
    return list(seen.values())


def quote_block(match: QuoteMatch, markup: Markup, limit: int) -> str:
    """Speaker, to whom, every wording, and the sources, within ``limit``."""
    speaker = markup.bold(markup.escape(clip(tidy(match.speaker or ""), 200) or "Someone"))
    said_to = tidy(match.said_to or "")
    header = f"{speaker} said" + (
        f", to {markup.bold(markup.escape(clip(said_to, 200)))}:" if said_to else ":"
    )
    sources = sources_block(match.sources, markup, max(60, limit // 3))
    wordings = all_wordings(match)
    room = limit - discord_len(header) - discord_len(sources) - 8

    def build(budget: int) -> str:
        lines: list[str] = []
        per = max(20, budget // max(1, len(wordings)))
        for index, wording in enumerate(wordings):
            line = markup.quote_line(markup.escape(f"“{clip(wording, per)}”"))
            if discord_len("\n".join([*lines, line])) > budget and lines:
                lines.append(markup.quote_line(f"…and {len(wordings) - index} more wording(s)"))
                break
            lines.append(line)
        return "\n".join(lines)

    quotes = fit(build, max(0, room))
    return clip_markup("\n".join(p for p in (header, quotes, sources) if p), limit)


def render_who_said(result: WhoSaidResult, markup: Markup = DISCORD) -> Card:
    """The ``/who-said`` card: best match in the description, others as fields."""
    query = clip(tidy(result.query) or "that", Limits.TITLE - 20)
    title = markup.escape(f"Who said “{query}”?")
    matches = [m for m in result.matches if m.quote.strip() or m.wordings]
    if not matches:
        return fit_card(
            Card(
                title=title,
                description=f"{NOBODY_TEXT} Try a few exact words of the quote, or "
                f"{markup.code('/sources')} to see which articles I know.",
                tone=Tone.NOT_FOUND,
            )
        )
    best, *others = matches
    fields = []
    for match in others[:3]:
        name = clip(f"Or: {tidy(match.speaker or 'someone')}", Limits.FIELD_NAME)
        fields.append(CardField(markup.escape(name), quote_block(match, markup, 1000)))
    return fit_card(
        Card(
            title=title,
            description=quote_block(best, markup, 3000),
            fields=tuple(fields),
            footer="/sources lists every article",
            tone=Tone.ANSWER,
            url=safe_url(best.sources[0].url) if best.sources else None,
        )
    )


def quote_choices(suggestions: Iterable[str]) -> list[tuple[str, str]]:
    """Autocomplete choices ``(name, value)``: at most 25, each at most 100 characters."""
    choices: list[tuple[str, str]] = []
    seen: set[str] = set()
    for suggestion in suggestions:
        text = " ".join(tidy(suggestion).split())
        if not text:
            continue
        name = clip(text, Limits.CHOICE_NAME)
        value = _prefix_within(text, Limits.CHOICE_VALUE)
        if discord_len(text) > Limits.CHOICE_VALUE:
            cut = value.rfind(" ")
            value = value[:cut] if cut > Limits.CHOICE_VALUE // 2 else value
        value = value.strip()
        if not value or value in seen:
            continue
        seen.add(value)
        choices.append((name, value))
        if len(choices) == Limits.CHOICES:
            break
    return choices


def join_within(entries: Iterable[str], limit: int, separator: str = "\n") -> str:
    """``entries`` joined by ``separator`` while they fit in ``limit``, then how many more."""
    items = list(entries)
    shown: list[str] = []
    used = 0
    for index, entry in enumerate(items):
        if used + discord_len(entry) + len(separator) > limit - 20:
            shown.append(f"…and {len(items) - index} more")
            break
        shown.append(entry)
        used += discord_len(entry) + len(separator)
    return separator.join(shown)


def render_speaker_quotes(
    speaker: str, matches: Sequence[QuoteMatch], markup: Markup = DISCORD
) -> Card:
    """The ``/quotes speaker:`` card: each quote once, with to whom and where."""
    name = tidy(speaker) or "that speaker"
    if not matches:
        return fit_card(
            Card(
                title=markup.escape(clip(f"No quotes by {name}", Limits.TITLE)),
                description="Nobody by that name is quoted in the articles. Pick a name from "
                f"the suggestions, or try {markup.code('/who-said')} with a few words of a quote.",
                tone=Tone.NOT_FOUND,
            )
        )
    speakers = list(dict.fromkeys(tidy(m.speaker or "") for m in matches))
    shown = speakers[0] if len(speakers) == 1 else name
    count = len(matches)
    title = markup.escape(
        clip(f"{count} quote{'s' if count != 1 else ''} by {shown}", Limits.TITLE)
    )
    entries = []
    for match in matches:
        speaker_name = markup.bold(markup.escape(tidy(match.speaker or "")))
        who = f"{speaker_name}:\n" if len(speakers) > 1 else ""
        said_to = tidy(match.said_to or "")
        to = f" (to {markup.escape(clip(said_to, 80))})" if said_to else ""
        where = ", ".join(citation(s, markup) for s in match.sources[:2])
        quoted = markup.quote_line(markup.escape(f"“{clip(tidy(match.quote), 400)}”"))
        entries.append(clip_markup(f"{who}{quoted}{to}\n— {where}", 900))
    return fit_card(
        Card(
            title=title,
            description=join_within(entries, Limits.DESCRIPTION, "\n\n"),
            footer="Find who said something with /who-said",
            tone=Tone.ANSWER,
        )
    )


def render_unanswered(entries: Sequence[GapEntry], markup: Markup = DISCORD) -> Card:
    """The ``/unanswered`` card: questions refused or voted 👎, most frequent first."""
    if not entries:
        return fit_card(
            Card(
                title="No unanswered questions",
                description="Every question so far was answered, and nobody voted 👎.",
                tone=Tone.SUCCESS,
            )
        )
    lines = []
    for index, entry in enumerate(entries):
        parts = []
        if entry.refused:
            parts.append(f"{entry.refused} refused")
        if entry.down_votes:
            parts.append(f"{entry.down_votes} 👎")
        lines.append(
            f"{index + 1}. {markup.bold(str(entry.count) + '×')} "
            f"{markup.escape(clip(tidy(entry.question), 200))} ({', '.join(parts)})"
        )
    return fit_card(
        Card(
            title="Questions the articles do not answer well",
            description=join_within(lines, Limits.DESCRIPTION),
            footer="Most frequent first · add the missing articles, then /reindex",
            tone=Tone.INFO,
        )
    )


def vote_message(outcome: VoteOutcome) -> str:
    """What a voter is told (privately) after pressing 👍 or 👎, or typing /good or /bad."""
    if not outcome.changed:
        said = "helped" if outcome.vote is Vote.UP else "did not help"
        return f"You already said this answer {said}. Vote the other way to change it."
    if outcome.vote is Vote.UP:
        text = "Thanks, noted: this answer helped 👍."
    else:
        text = (
            "Thanks, noted: this answer did not help 👎. Moderators see such questions in "
            "/unanswered, to add the articles that are missing."
        )
    if outcome.previous is not None:
        text += " (Your earlier vote is replaced.)"
    return text


# ---------------------------------------------------------------- /sources


def _when(built_at: str, markup: Markup) -> str:
    try:
        moment = datetime.fromisoformat(built_at.replace("Z", "+00:00"))
    except ValueError:
        return markup.escape(tidy(built_at)) or "an unknown time"
    if moment.tzinfo is None:
        return markup.escape(moment.strftime("%Y-%m-%d %H:%M"))
    return markup.timestamp(moment)


def render_sources(info: CorpusInfo, markup: Markup = DISCORD) -> Card:
    """The ``/sources`` card: one entry per article, how the index was built."""
    count = len(info.articles)
    title = f"{count} indexed article{'s' if count != 1 else ''}"
    entries: list[str] = []
    budget = Limits.DESCRIPTION - 40
    used = 0
    for index, article in enumerate(info.articles):
        entry = (
            f"{index + 1}. {source_line(article.source, markup)}\n"
            f"   {article.passages} passage{'s' if article.passages != 1 else ''}, "
            f"{article.quotes} quote{'s' if article.quotes != 1 else ''}"
        )
        entry = clip_markup(entry, 600)
        if used + discord_len(entry) + 1 > budget:
            entries.append(f"…and {count - index} more")
            break
        entries.append(entry)
        used += discord_len(entry) + 1
    description = "\n".join(entries) if entries else "No article is indexed yet."
    model = markup.code(clip(tidy(info.model), 200))
    footer = "Ask with /ask, find a speaker with /who-said"
    fields = (
        CardField("Index built", f"{_when(info.built_at, markup)} with {model}"),
        CardField("Totals", f"{info.passages} passages · {info.quotes} quotes"),
    )
    return fit_card(
        Card(title=title, description=description, fields=fields, footer=footer, tone=Tone.INFO)
    )


# ---------------------------------------------------------------- /reindex


def _id_list(ids: Sequence[str], markup: Markup, limit: int = Limits.FIELD_VALUE) -> str:
    parts: list[str] = []
    for index, item in enumerate(ids):
        part = markup.code(clip(tidy(item), 100))
        tail = f" …and {len(ids) - index} more"
        if discord_len(", ".join([*parts, part]) + tail) > limit:
            return ", ".join(parts) + f" …and {len(ids) - index} more"
        parts.append(part)
    return ", ".join(parts)


def _skipped_list(skipped: Sequence[SkippedFile], markup: Markup) -> str:
    lines: list[str] = []
    for index, item in enumerate(skipped):
        path = markup.code(clip(tidy(item.path), 120))
        line = f"{path}: {markup.escape(clip(tidy(item.reason), 200))}"
        if discord_len("\n".join([*lines, line])) > Limits.FIELD_VALUE - 30:
            lines.append(f"…and {len(skipped) - index} more")
            break
        lines.append(line)
    return "\n".join(lines)


def render_report(report: BuildReport, markup: Markup = DISCORD) -> Card:
    """The ``/reindex`` result: what changed, totals, skipped files and why."""
    b = markup.bold
    changes = len(report.added) + len(report.removed) + len(report.changed)
    summary = (
        f"Rebuilt in {report.seconds:.1f} s: {b(str(report.articles))} articles, "
        f"{b(str(report.passages))} passages, {b(str(report.quotes))} quotes."
    )
    counts = (
        f"{len(report.added)} added, {len(report.removed)} removed, "
        f"{len(report.changed)} changed, {report.reused_articles} unchanged."
    )
    description = f"{summary}\n{counts}" if changes else f"{summary}\nNo article changed."
    fields = []
    for label, ids in (
        ("Added", report.added),
        ("Removed", report.removed),
        ("Changed", report.changed),
    ):
        if ids:
            fields.append(CardField(f"{label} ({len(ids)})", _id_list(ids, markup)))
    if report.skipped:
        fields.append(
            CardField(f"Skipped ({len(report.skipped)})", _skipped_list(report.skipped, markup))
        )
    return fit_card(
        Card(
            title="Reindex complete",
            description=description,
            fields=tuple(fields),
            footer="Questions are now answered from the new index.",
            tone=Tone.WARNING if report.skipped else Tone.SUCCESS,
        )
    )


def progress_text(stage: str, fraction: float) -> str:
    """The message shown while a reindex runs."""
    fraction = min(1.0, max(0.0, fraction)) if math.isfinite(fraction) else 0.0
    filled = round(fraction * 10)
    bar = "▰" * filled + "▱" * (10 - filled)
    stage = clip(tidy(stage) or "working", 200)
    return fit_content(f"Reindexing… {bar} {fraction:.0%}\n{escape_markdown(stage)}")


# ---------------------------------------------------------------- plain messages


def help_lines(console: bool = False) -> list[str]:
    lines = [
        "/ask <question> — answer a question from the articles, with sources",
        "/who-said <quote> — who said a quote, to whom, and where",
        "/sources — the indexed articles and how the index was built",
        "/quotes <speaker> — everything a speaker is quoted saying",
        "/reindex — reread the seeds folder (moderators)",
        "/unanswered — questions refused or voted 👎, most frequent first (moderators)",
    ]
    if console:
        lines += [
            "/good, /bad — say whether the last answer helped",
            "/add-article PATH-or-URL [--replace] — add an article file or web page, reindex",
            "/remove-article ID — remove an article (its id or title), reindex",
            "/help — this list",
            "/quit — leave (or end of input)",
        ]
    else:
        lines += [
            "/add-article file: or url: — add an article, then reindex (moderators)",
            "/remove-article article: — remove an article, then reindex (moderators)",
        ]
    if console:
        lines.append("A line without a slash is a question.")
    else:
        lines.append("You can also mention me with a question.")
    return lines


def card_to_text(card: Card) -> str:
    """A card as terminal text (the console mode); cards use the ``PLAIN`` markup there."""
    lines: list[str] = []
    if card.title:
        lines += [card.title, "=" * min(60, max(3, discord_len(card.title)))]
    if card.description:
        lines.append(card.description)
    for f in card.fields:
        lines += ["", f"{f.name}:"]
        lines.extend("  " + line for line in f.value.split("\n"))
    if card.footer:
        lines += ["", f"({card.footer})"]
    return "\n".join(lines)
