"""Quote extraction and speaker attribution for ``/who-said``.

Pure text processing: :func:`extract_quotes` finds the direct quotes of an
article and attributes each to its speaker (and to whom or where it was said);
:func:`score_extraction` measures the result against the hand-made gold quotes.
"""

from index.quotes.attribution import attribute_quotes
from index.quotes.evaluation import (
    ExtractionScores,
    GoldQuote,
    QuoteError,
    load_gold,
    score_extraction,
)
from index.quotes.extraction import extract_quotes
from index.quotes.models import Quote

__all__ = [
    "ExtractionScores",
    "GoldQuote",
    "Quote",
    "QuoteError",
    "attribute_quotes",
    "extract_quotes",
    "load_gold",
    "score_extraction",
]
