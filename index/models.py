"""Plain data models shared by the index, the CLI and the bot.

Every model is a frozen dataclass: cheap to build, safe to share between
threads, and trivially turned into JSON with :func:`dataclasses.asdict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` into an article's original text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a passage or a quote comes from, as shown to a user."""

    id: str
    title: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    """When the article was published, as its metadata gives it (e.g. ``2023-07-11``)."""


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from the seeds folder, before cleaning."""

    id: str
    title: str
    text: str
    path: str
    content_hash: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None

    @property
    def source(self) -> SourceRef:
        return SourceRef(
            id=self.id,
            title=self.title,
            url=self.url,
            outlet=self.outlet,
            published=self.published,
        )


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file in the seeds folder that could not be indexed, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article: its span in the original text and its text."""

    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence-aware chunk of one article.

    ``start``/``end`` are offsets into the article's original text; ``text`` is
    the cleaned text of the sentences it covers (boilerplate lines between them
    removed). ``sentences`` are the spans of the sentences it holds, in order.
    """

    id: int
    article_id: str
    position: int
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...] = field(default=())
    sentence_ranges: tuple[tuple[int, int], ...] = field(default=())
    """Where each sentence lies in ``text`` (``text[a:b]``), same order as ``sentences``."""


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """An indexed article as the index remembers it (no text)."""

    id: str
    title: str
    path: str
    content_hash: str
    url: str | None = None
    outlet: str | None = None
    passages: int = 0
    quotes: int = 0
    published: str | None = None

    @property
    def source(self) -> SourceRef:
        return SourceRef(
            id=self.id,
            title=self.title,
            url=self.url,
            outlet=self.outlet,
            published=self.published,
        )


@dataclass(frozen=True, slots=True)
class StoredQuote:
    """A quote as stored in the index, with where it comes from."""

    id: int
    article_id: str
    text: str
    start: int
    end: int
    speaker: str | None
    said_to: str | None = None
    reported_by: str | None = None
    parent: int | None = None
    in_headline: bool = False
    speaker_as_written: str | None = None
    """The speaker as the article names them; ``speaker`` is the canonical name of that
    person or organisation across the index (see ``index.speakers``)."""
    reported_by_as_written: str | None = None


@dataclass(frozen=True, slots=True)
class PassageHit:
    """One answer passage: its text, the sentence that answers, its sources."""

    text: str
    highlight: str
    score: float
    sources: tuple[SourceRef, ...]
    passage_ids: tuple[int, ...] = ()

    @property
    def source(self) -> SourceRef:
        return self.sources[0]


@dataclass(frozen=True, slots=True)
class ConflictingClaim:
    """One side of a conflict: the value one source gives, in its own sentence."""

    value: str
    """The differing value as the sentence writes it ("July 15")."""
    highlight: str
    """The sentence that gives it."""
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """Sources that disagree on one fact the question asks about.

    ``kind`` is the kind of answer they disagree on ("date", "number", "age",
    "sum of money"...); ``claims`` holds two or more differing values, best
    ranked first, each with the sentence that gives it and its sources. For the
    seeds, "When does Dead Reckoning open?" gives ``kind="date"`` and the claims
    "July 15" (one article) and "July 10" (another).
    """

    kind: str
    claims: tuple[ConflictingClaim, ...]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The outcome of a question: ``answered`` is false when nothing is relevant.

    ``conflicts``: facts on which the best passages disagree (see ``Conflict``);
    every passage involved stays in ``passages``. Empty when the sources agree.

    ``asked_for`` and ``covers`` explain a refusal on topic: ``asked_for`` is the
    kind of answer the question wanted that no candidate sentence offers ("height",
    "sum of money"...), and ``covers`` the titles of the articles nearest to the
    question, so a reply can say what the articles do talk about. Both are empty
    for an answered or an off-topic question.
    """

    question: str
    answered: bool
    passages: tuple[PassageHit, ...]
    conflicts: tuple[Conflict, ...] = ()
    asked_for: str | None = None
    covers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """One answer to "who said …": a quote, every wording of it, its speaker."""

    speaker: str | None
    quote: str
    said_to: str | None
    score: float
    sources: tuple[SourceRef, ...]
    wordings: tuple[str, ...] = ()
    reported_by: str | None = None
    """For reported speech inside another quote: who tells it."""


@dataclass(frozen=True, slots=True)
class WhoSaidResult:
    """The outcome of a who-said query; ``matches`` is empty when nothing matches."""

    query: str
    matches: tuple[QuoteMatch, ...]


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What ``/sources`` lists for one indexed article."""

    source: SourceRef
    path: str
    passages: int
    quotes: int


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    """What ``/sources`` shows: the articles and how the index was built."""

    articles: tuple[ArticleInfo, ...]
    built_at: str
    model: str
    passages: int
    quotes: int


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build or reindex did, for the CLI and for ``/reindex``."""

    articles: int
    passages: int
    quotes: int
    seconds: float
    skipped: tuple[SkippedFile, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    reused_articles: int = 0
