"""Exceptions the index raises for conditions a caller should show to a user."""

from __future__ import annotations


class RetrievalError(Exception):
    """Base class for every error of the retrieval core."""


class IndexUnavailable(RetrievalError):
    """No usable index is loaded (missing, corrupt, or built with another model)."""


class IndexMismatch(IndexUnavailable):
    """The index on disk was built with another model or schema."""


class IndexCorrupt(IndexUnavailable):
    """The index on disk is incomplete or its files do not agree with each other."""


class ReindexInProgress(RetrievalError):
    """A reindex was requested while another one is running."""


class InvalidQuery(RetrievalError):
    """A question or quote that cannot be searched (empty, too long, no text)."""


class BuildFailed(RetrievalError):
    """A build could not produce an index (no readable article, model failure...)."""
