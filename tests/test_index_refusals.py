"""On-topic questions the articles cannot answer, on articles written here, with the real
model: a count must be of the thing asked about, and the question's words must be near the
best passages. The ones marked xfail are known misses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from index.embedding import SentenceTransformerEmbedder
from index.service import CorpusService
from tests.written_articles import written_service

pytestmark = pytest.mark.model

LIGHTHOUSE = {
    "keeper": (
        "The last keeper of Skerry Point lighthouse",
        "Ada Quill has kept the Skerry Point lighthouse for thirty years.\n\n"
        "Every spring she paints the lamp room white and oils the great brass lens.\n\n"
        "There are 212 steps from the door of the tower to the lamp.\n\n"
        "Her assistant, Tomas Reyes, joined her in 2021 after a storm broke the "
        "harbour wall.\n\n"
        "\u201cI climb the steps twice a day,\u201d the keeper, 58, says. \u201cThe sea "
        "decides when I sleep.\u201d",
    ),
    "harbour": (
        "Harbour wall to be rebuilt",
        "The council will rebuild the harbour wall at Skerry Point next summer.\n\n"
        "Engineers said the storm in January tore a gap of forty metres in the wall.",
    ),
}


@pytest.fixture(scope="module")
def service(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> Iterator[CorpusService]:
    with written_service(tmp_path_factory, LIGHTHOUSE, real_embedder) as built:
        yield built


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How old is the lighthouse keeper?", "58"),
        ("When did Tomas Reyes join Ada Quill?", "in 2021"),
        ("How long has Ada Quill kept the lighthouse?", "thirty years"),
        ("How many steps lead up to the lamp?", "212 steps"),
    ],
)
def test_the_sentence_that_answers_is_found(
    service: CorpusService, question: str, answer: str
) -> None:
    result = service.ask(question)
    assert result.answered, result
    assert answer in result.passages[0].text


@pytest.mark.parametrize(
    "question",
    [
        # a count of another thing than the one asked
        "How many windows are there from the door of the tower to the lamp?",
        # a distinctive word nothing near the best passages covers
        "Which dog breed does Ada Quill keep at the lighthouse?",
        *(
            pytest.param(
                question,
                marks=pytest.mark.xfail(
                    strict=True,
                    reason="known miss: the stricter checks that refused these cost more "
                    "held-out answers than they gained refusals (realnews README)",
                ),
            )
            for question in (
                # an answer of the kind asked, about something else
                "How old is the assistant Tomas Reyes?",
                "Who taught Ada Quill to polish brass lenses?",
                # the distinctive words are near, but not in the sentence
                "What does Ada Quill sing while she oils the brass lens?",
            )
        ),
    ],
)
def test_an_on_topic_question_the_articles_do_not_answer_is_refused(
    service: CorpusService, question: str
) -> None:
    result = service.ask(question)
    assert not result.answered, result.passages[0].highlight if result.passages else result
    assert result.covers  # on topic: the reply says what the articles cover
