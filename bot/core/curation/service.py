"""The steps of curating a server's facts, without Discord: what ``/fact`` and its forms and
buttons do, each in one call.

Every change names the revision the moderator saw (``expected_revision``), checked in the
store's own transaction, so a change made meanwhile is refused rather than overwritten.
Refusals are exceptions that carry data: :class:`~.drafts.DraftError` (the form's input),
:class:`DuplicateQuestions`, :class:`~bot.core.pack.PackError` (an import file) and the
store's :class:`~bot.core.store.FactError` subclasses; the Discord layer words them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot import constants
from bot.core.answers import AnswerService
from bot.core.curation.drafts import (
    Draft,
    edited_fact,
    fact_stem,
    moderator_source,
    new_fact,
    question_problems,
    with_id,
)
from bot.core.curation.duplicates import Duplicate, find_duplicates
from bot.core.curation.packfile import read_import
from bot.core.models import Fact, Topic
from bot.core.pack import Pack
from bot.core.policy import suggestion_label
from bot.core.store import FactStore, ImportReport, StaleRevision, StoredFact, UnknownFact
from bot.core.text import fold


class DuplicateQuestions(Exception):
    """Questions of the new or edited fact that other facts already answer."""

    def __init__(self, duplicates: Iterable[Duplicate]) -> None:
        self.duplicates = tuple(duplicates)
        super().__init__("; ".join(d.question for d in self.duplicates))


class WhyNotAdded(StrEnum):
    """Why :meth:`CurationService.add_questions` left a question out."""

    INVALID = "invalid"  # not a question a fact may have: ``problems`` say why
    ANSWERED_ELSEWHERE = "answered-elsewhere"  # another fact answers it: ``other``
    FACT_FULL = "fact-full"  # the fact has as many questions as a fact may have


@dataclass(frozen=True)
class NotAdded:
    """A question :meth:`CurationService.add_questions` did not add, and why."""

    question: str
    why: WhyNotAdded
    problems: tuple[str, ...] = ()
    other: Fact | None = None


@dataclass(frozen=True)
class QuestionsAdded:
    """What :meth:`CurationService.add_questions` did to ``stored`` (the fact after the
    change, or as it was when nothing was added): the questions ``added``, those it
    ``already`` had, and those ``not_added``, in the order given."""

    stored: StoredFact
    added: tuple[str, ...]
    already: tuple[str, ...]
    not_added: tuple[NotAdded, ...]

    @property
    def label(self) -> str:
        """The fact's name as any fan may see it (a spoiler fact only by what it spoils)."""
        return suggestion_label(self.stored.fact)


class CurationService:
    """One server's facts as its moderators change them."""

    def __init__(self, store: FactStore, answers: AnswerService, pack: Pack) -> None:
        self.store = store
        self.answers = answers
        self.pack = pack

    async def add(
        self,
        guild_id: int,
        draft: Draft,
        *,
        topic: Topic,
        season: int | None,
        spoiler: bool,
        actor_id: int,
        guild_name: str | None = None,
        verb: str = "Added",
    ) -> StoredFact:
        """Validate the form, check its questions against the server's facts, pick a free
        id and add it. Raises :class:`DraftError`, :class:`DuplicateQuestions` or (another
        add took the id meanwhile) :class:`~bot.core.store.DuplicateFactId`. The source
        says "<verb> by the moderators of <server>"."""
        fact = await self.prepare(
            guild_id,
            draft,
            topic=topic,
            season=season,
            spoiler=spoiler,
            guild_name=guild_name,
            verb=verb,
        )
        return await self.store.add(guild_id, fact, actor_id)

    async def prepare(
        self,
        guild_id: int,
        draft: Draft,
        *,
        topic: Topic,
        season: int | None,
        spoiler: bool,
        guild_name: str | None = None,
        verb: str = "Added",
    ) -> Fact:
        """The new fact :meth:`add` would add, checked and with a free id, not added yet
        (for a caller that adds it in a transaction of its own). Raises as :meth:`add`."""
        source = moderator_source(guild_name, verb=verb)
        fact = new_fact(draft, topic=topic, season=season, spoiler=spoiler, source=source)
        await self._refuse_duplicates(guild_id, fact)
        stem = fact_stem(topic, season, fact.questions, spoiler=spoiler)
        return with_id(fact, await self.store.new_fact_id(guild_id, stem))

    async def edit(
        self,
        guild_id: int,
        fact_id: str,
        draft: Draft,
        *,
        expected_revision: int,
        actor_id: int,
        guild_name: str | None = None,
    ) -> StoredFact:
        """Save the form over ``fact_id`` as it was at ``expected_revision``; only new
        questions are checked for duplicates. Raises :class:`UnknownFact`,
        :class:`StaleRevision`, :class:`DraftError`, :class:`DuplicateQuestions` or
        :class:`~bot.core.store.AlreadyRemoved`."""
        shown = await self.store.get(guild_id, fact_id, include_removed=True)
        if shown is None:
            raise UnknownFact(fact_id)
        if shown.revision != expected_revision:
            raise StaleRevision(fact_id, expected_revision, shown.revision)
        fact = edited_fact(
            draft,
            shown.fact,
            cited_sources=self.pack.sources,
            correction_source=moderator_source(guild_name, verb="Corrected"),
        )
        await self._refuse_duplicates(guild_id, fact, known=shown.fact.questions)
        return await self.store.edit(guild_id, fact, actor_id, expected_revision=expected_revision)

    async def add_question(
        self,
        guild_id: int,
        fact_id: str,
        question: str,
        *,
        actor_id: int,
        guild_name: str | None = None,
    ) -> StoredFact:
        """Add ``question`` (a fan's, say) as a new phrasing of ``fact_id`` here, through
        :meth:`edit` at the fact's current revision: a pack fact becomes this server's
        correction. Refused as :meth:`edit` refuses (a question another fact answers, one
        the form would not take)."""
        shown = await self.store.get(guild_id, fact_id)
        if shown is None:
            raise UnknownFact(fact_id)
        one_line = " ".join(question.split())
        draft = Draft("\n".join([*shown.fact.questions, one_line]), shown.fact.answer)
        return await self.edit(
            guild_id,
            fact_id,
            draft,
            expected_revision=shown.revision,
            actor_id=actor_id,
            guild_name=guild_name,
        )

    async def add_questions(
        self,
        guild_id: int,
        fact_id: str,
        questions: Iterable[str],
        *,
        actor_id: int,
        guild_name: str | None = None,
        expected_revision: int | None = None,
    ) -> QuestionsAdded:
        """Add each of ``questions`` (fans', say) that ``fact_id`` does not already have as
        a new phrasing of it here, in one audited change (:meth:`edit`, at
        ``expected_revision`` or else the revision read now; a pack fact becomes this
        server's correction).

        A question the fact already has (the same folded text) is ``already``; one a fact
        may not have (too long, a mention...), one another fact answers, and those past the
        fact's limit of :data:`~bot.constants.QUESTIONS_PER_FACT_MAX` questions (the
        first given are added first) are ``not_added``, with why. When nothing is left to
        add, nothing changes. Raises :class:`UnknownFact` for a fact this server does not
        see (none, or removed here), :class:`StaleRevision`, and as :meth:`edit` does for
        a change made meanwhile."""
        shown = await self.store.get(guild_id, fact_id)
        if shown is None:
            raise UnknownFact(fact_id)
        if expected_revision is not None and shown.revision != expected_revision:
            raise StaleRevision(fact_id, expected_revision, shown.revision)
        fact = shown.fact
        had = {fold(question) for question in fact.questions}
        seen: set[str] = set()
        already: list[str] = []
        not_added: list[NotAdded] = []
        candidates: list[str] = []
        given: dict[str, int] = {}  # each question's place, to report in the order given
        for question in questions:
            one_line = " ".join(question.split())
            key = fold(one_line) or one_line.casefold()
            if not one_line or key in seen:
                continue
            seen.add(key)
            given[one_line] = len(given)
            if key in had:
                already.append(one_line)
            elif problems := question_problems(one_line):
                not_added.append(NotAdded(one_line, WhyNotAdded.INVALID, tuple(problems)))
            else:
                candidates.append(one_line)
        widened = fact.model_copy(update={"questions": (*fact.questions, *candidates)})
        index = await self.answers.index_for(guild_id)
        elsewhere = {
            d.question: d.other for d in find_duplicates(index, widened, known=fact.questions)
        }
        room = constants.QUESTIONS_PER_FACT_MAX - len(fact.questions)
        added: list[str] = []
        for question in candidates:
            if question in elsewhere:
                other = elsewhere[question]
                not_added.append(NotAdded(question, WhyNotAdded.ANSWERED_ELSEWHERE, other=other))
            elif len(added) >= room:
                not_added.append(NotAdded(question, WhyNotAdded.FACT_FULL))
            else:
                added.append(question)
        stored = shown
        if added:
            draft = Draft("\n".join([*fact.questions, *added]), fact.answer)
            stored = await self.edit(
                guild_id,
                fact_id,
                draft,
                expected_revision=shown.revision,
                actor_id=actor_id,
                guild_name=guild_name,
            )
        not_added.sort(key=lambda n: given[n.question])
        return QuestionsAdded(stored, tuple(added), tuple(already), tuple(not_added))

    async def remove(
        self, guild_id: int, fact_id: str, *, expected_revision: int | None, actor_id: int
    ) -> StoredFact:
        """Remove a server's fact, or hide a pack fact here, if still at
        ``expected_revision``: checked and removed in one transaction."""
        return await self.store.remove(
            guild_id, fact_id, actor_id, expected_revision=expected_revision
        )

    async def restore(
        self, guild_id: int, fact_id: str, *, actor_id: int, expected_revision: int | None = None
    ) -> StoredFact:
        """Bring back a removed fact (``expected_revision``: the removed revision seen)."""
        return await self.store.restore(
            guild_id, fact_id, actor_id, expected_revision=expected_revision
        )

    async def import_pack(
        self, guild_id: int, data: bytes, name: str, *, actor_id: int
    ) -> ImportReport:
        """Check the file ``name`` whole (:class:`~bot.core.pack.PackError` naming every
        problem), then add, change and hide its facts in one transaction; ids to hide
        that the server does not know are reported as skipped."""
        plan = read_import(data, name, show=self.pack.show, pack_sources=self.pack.sources)
        return await self.store.import_facts(
            guild_id, plan.facts, actor_id, hide=plan.hide, skip_unknown=True
        )

    async def _refuse_duplicates(
        self, guild_id: int, fact: Fact, *, known: Iterable[str] = ()
    ) -> None:
        duplicates = find_duplicates(await self.answers.index_for(guild_id), fact, known=known)
        if duplicates:
            raise DuplicateQuestions(duplicates)
