"""Moderators curating a server's facts, without Discord: the fact form's input made into a
fact (:mod:`.drafts`), questions another fact already answers (:mod:`.duplicates`), a
server's facts as a pack file and back (:mod:`.packfile`), picking facts
(:mod:`.choices`), describing changes (:mod:`.changes`), and the steps themselves, each
in one call (:class:`CurationService`, :mod:`.service`).
"""

from bot.core.curation.actors import CLI_ACTOR_ID, actor_name
from bot.core.curation.changes import describe_change
from bot.core.curation.choices import fact_choices, fact_label
from bot.core.curation.drafts import (
    Draft,
    DraftError,
    edited_fact,
    fact_stem,
    moderator_source,
    new_fact,
    with_id,
)
from bot.core.curation.duplicates import Duplicate, find_duplicates
from bot.core.curation.packfile import ImportPlan, export_pack, read_import
from bot.core.curation.service import CurationService, DuplicateQuestions

__all__ = [
    "CLI_ACTOR_ID",
    "CurationService",
    "Draft",
    "DraftError",
    "Duplicate",
    "DuplicateQuestions",
    "ImportPlan",
    "actor_name",
    "describe_change",
    "edited_fact",
    "export_pack",
    "fact_choices",
    "fact_label",
    "fact_stem",
    "find_duplicates",
    "moderator_source",
    "new_fact",
    "read_import",
    "with_id",
]
