"""Late interaction (MaxSim) of a question's content tokens with stored token vectors.

Each question token is matched to its best counterpart among a sentence's tokens; a
sentence's MaxSim is the mean of those best cosines. The same matches taken over all
the sentences of a passage give the passage's MaxSim: a question whose words are
answered across two sentences ("Two years later, Cruise recalled the shot…" then
"Shoot in remote Hellesylt…") is matched by the passage as a whole, where each of its
sentences alone matches only part of it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


def token_matches(
    query_tokens: npt.NDArray[np.float32],
    row_tokens: npt.NDArray[np.float32],
    lengths: npt.NDArray[np.int64],
) -> Floats:
    """For each question token (rows of the result) and each sentence (columns), the best
    cosine of the token with the sentence's tokens. ``row_tokens`` holds the sentences'
    tokens one sentence after the other, ``lengths[i]`` of them for sentence ``i``; a
    sentence without tokens gets ``nan``."""
    matches = np.full((len(query_tokens), len(lengths)), np.nan)
    present = lengths > 0
    if not len(query_tokens) or not present.any():
        return matches
    similarities = query_tokens @ row_tokens.T
    columns = np.concatenate(([0], np.cumsum(lengths[present])[:-1]))
    matches[:, present] = np.maximum.reduceat(similarities, columns, axis=1)
    return matches


def maxsim(matches: Floats) -> Floats:
    """Each column's MaxSim: the mean of its question tokens' best cosines (0 for a column
    without tokens)."""
    result = np.zeros(matches.shape[1])
    present = ~np.isnan(matches).any(axis=0)
    if present.any() and len(matches):
        result[present] = matches[:, present].mean(axis=0)
    return result


def passage_maxsim(matches: Floats, bounds: npt.NDArray[np.int64]) -> Floats:
    """Each passage's MaxSim: each question token's best cosine over all the passage's
    sentences, averaged. Passage ``i``'s sentences are the columns
    ``bounds[i]:bounds[i + 1]`` of ``matches``; 0 for a passage without tokens."""
    count = len(bounds) - 1
    best = np.full((len(matches), count), np.nan)
    starts = np.asarray(bounds[:-1], dtype=np.int64)
    filled = np.nan_to_num(matches, nan=-np.inf)
    nonempty = np.asarray(bounds[1:], dtype=np.int64) > starts
    if len(matches) and nonempty.any():
        reduced = np.maximum.reduceat(filled, starts[nonempty], axis=1)
        best[:, nonempty] = np.where(np.isneginf(reduced), np.nan, reduced)
    return maxsim(best)
