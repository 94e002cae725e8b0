"""Numbers fixed by Discord or by this bot's policy, in one place."""

from typing import Final

# Discord's limits (https://discord.com/developers/docs/resources/message).
MESSAGE_CONTENT_LIMIT: Final = 2000
EMBED_TOTAL_LIMIT: Final = 6000  # title, description, field names and values, footer, author
EMBED_TITLE_LIMIT: Final = 256
EMBED_DESCRIPTION_LIMIT: Final = 4096
EMBED_FIELDS_LIMIT: Final = 25
EMBED_FIELD_NAME_LIMIT: Final = 256
EMBED_FIELD_VALUE_LIMIT: Final = 1024
EMBED_FOOTER_LIMIT: Final = 2048
EMBEDS_PER_MESSAGE_LIMIT: Final = 10
ACTION_ROWS_LIMIT: Final = 5
BUTTONS_PER_ROW_LIMIT: Final = 5
AUTOCOMPLETE_CHOICES_LIMIT: Final = 25
CHOICE_NAME_LIMIT: Final = 100
BUTTON_LABEL_LIMIT: Final = 80
CUSTOM_ID_LIMIT: Final = 100

# What a fact may hold, chosen so that any answer fits an embed field with room for
# spoiler tags and escaping, and any question fits an autocomplete choice.
ANSWER_MAX_CHARS: Final = 1000
QUESTION_MAX_CHARS: Final = 100
QUESTIONS_PER_FACT_MAX: Final = 25
ALIAS_MAX_CHARS: Final = 100
SOURCE_MAX_CHARS: Final = 300
EXAMPLES_PER_FACT_MAX: Final = 50  # a pack's [examples] of one fact
SEASON_MAX: Final = 99  # seasons are numbered 1 to this

# Answering policy.
SUGGESTIONS_MAX: Final = 3
ASK_MAX_CHARS: Final = 300  # a question to /ask, or the part of a message that is read
