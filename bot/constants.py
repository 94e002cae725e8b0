"""Numbers fixed by Discord or by this bot's policy, in one place."""

from typing import Final

# Discord's limits (https://discord.com/developers/docs/resources/message).
MESSAGE_CONTENT_LIMIT: Final = 2000
EMBED_DESCRIPTION_LIMIT: Final = 4096
EMBED_FIELD_VALUE_LIMIT: Final = 1024
AUTOCOMPLETE_CHOICES_LIMIT: Final = 25
CHOICE_NAME_LIMIT: Final = 100
BUTTON_LABEL_LIMIT: Final = 80

# What a fact may hold, chosen so that any answer fits an embed field with room for
# spoiler tags and escaping, and any question fits an autocomplete choice.
ANSWER_MAX_CHARS: Final = 1000
QUESTION_MAX_CHARS: Final = 100
QUESTIONS_PER_FACT_MAX: Final = 25
ALIAS_MAX_CHARS: Final = 100
SOURCE_MAX_CHARS: Final = 300

# Answering policy.
SUGGESTIONS_MAX: Final = 3
