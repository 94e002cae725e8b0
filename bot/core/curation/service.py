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

from bot.core.answers import AnswerService
from bot.core.curation.drafts import (
    Draft,
    edited_fact,
    fact_stem,
    moderator_source,
    new_fact,
    with_id,
)
from bot.core.curation.duplicates import Duplicate, find_duplicates
from bot.core.curation.packfile import read_import
from bot.core.models import Fact, Topic
from bot.core.pack import Pack
from bot.core.store import FactStore, ImportReport, StaleRevision, StoredFact, UnknownFact


class DuplicateQuestions(Exception):
    """Questions of the new or edited fact that other facts already answer."""

    def __init__(self, duplicates: Iterable[Duplicate]) -> None:
        self.duplicates = tuple(duplicates)
        super().__init__("; ".join(d.question for d in self.duplicates))


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
