"""The fact form's pieces that must round-trip: what a refusal quotes, and custom ids."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from bot.core.curation import Draft
from bot.core.models import Topic
from bot.exts.curation import _render, _typed
from bot.exts.curation._modals import FORM_PREFIX, EditFact, NewFact, RetryButton, purpose_of
from bot.interactions import b36

BOX = st.text(st.sampled_from(list("ab `\u200b\n*#()empty")) | st.characters(), max_size=1200)


@given(BOX, BOX)
def test_edit_and_try_again_reads_back_exactly_what_a_refusal_quotes(
    questions: str, answer: str
) -> None:
    assume("(empty)" not in (questions, answer) and "\n\nAnswer:\n" not in questions)
    content, file = _render.refused_input(["The answer is empty."], Draft(questions, answer))
    if file is None:
        back = _typed.from_message(content)
    else:
        back = _typed.from_file(file.fp.read().decode())
    assert back == Draft(_shown(questions), _shown(answer))


def _shown(text: str) -> str:
    """A blank box is quoted as "(empty)" and comes back empty."""
    return text if text.strip() else ""


def test_custom_ids_fit_discord_and_name_their_purpose() -> None:
    widest_user, longest_id, many_edits = 2**64 - 1, "x" * 64, 36**6 - 1
    for purpose in [
        EditFact(longest_id, many_edits),
        NewFact(Topic.WHERE_TO_WATCH, 99, True),
        NewFact(Topic.GENERAL, None, False),
    ]:
        assert purpose_of(purpose.key()) == purpose
        button = RetryButton(b36(widest_user), purpose)
        assert len(button.custom_id) <= 100
        assert len(FORM_PREFIX + purpose.key()) <= 100
