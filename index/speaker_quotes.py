"""Who is quoted in the articles, and what each speaker said (for ``/quotes speaker:``)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence

from index.models import ArticleRecord, QuoteMatch, SourceRef, StoredQuote


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def speaker_names(quotes: Sequence[StoredQuote], prefix: str = "", limit: int = 25) -> list[str]:
    """Speakers for autocomplete: a name or one of its words starting with ``prefix`` first,
    then names containing it; the most quoted first within each group."""
    counts = Counter(q.speaker for q in quotes if q.speaker and q.speaker.strip())
    wanted = _fold(prefix)
    starts: list[tuple[int, str]] = []
    contains: list[tuple[int, str]] = []
    for name, count in counts.items():
        folded = _fold(name)
        if not wanted or any(word.startswith(wanted) for word in [folded, *folded.split()]):
            starts.append((-count, name))
        elif wanted in folded:
            contains.append((-count, name))
    return [name for _, name in sorted(starts) + sorted(contains)][:limit]


def exactly_named(quotes: Sequence[StoredQuote], speaker: str) -> list[StoredQuote]:
    """The quotes whose canonical speaker is ``speaker`` exactly (any case or accents): the
    pick from autocomplete, without the people whose names merely contain it."""
    wanted = _fold(speaker)
    return [q for q in quotes if wanted and q.speaker and _fold(q.speaker) == wanted]


def grouped_by_statement(
    quotes: Sequence[StoredQuote], articles: Mapping[str, ArticleRecord]
) -> list[QuoteMatch]:
    """One entry per speaker and wording, with every source that prints it; in the order
    the articles give them."""
    grouped: dict[tuple[str, str], list[StoredQuote]] = {}
    for quote in quotes:
        key = (quote.speaker or "", _fold(quote.text))
        grouped.setdefault(key, []).append(quote)
    matches: list[QuoteMatch] = []
    for group in grouped.values():
        head = group[0]
        sources = tuple(dict.fromkeys(_source(articles, q.article_id) for q in group))
        matches.append(
            QuoteMatch(
                speaker=head.speaker,
                quote=head.text,
                said_to=next((q.said_to for q in group if q.said_to), None),
                score=1.0,
                sources=sources,
                reported_by=head.reported_by,
            )
        )
    return matches


def _source(articles: Mapping[str, ArticleRecord], article_id: str) -> SourceRef:
    record = articles.get(article_id)
    return record.source if record is not None else SourceRef(id=article_id, title=article_id)
