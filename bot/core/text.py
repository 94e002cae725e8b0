"""How fans write, turned into something a matcher can compare.

``analyse("when does s2 drop??")`` gives the seasons asked about ({2}) and canonical terms
(``["@when", "@premiere"]``): case, punctuation, curly quotes, plurals, contractions,
abbreviations and synonyms folded the same way for questions and for the facts' own
phrasings, so that the matcher only has to compare like with like.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

# Synonyms: every phrase on the right stands for the concept on the left. Concepts start
# with "@" so they can never collide with a word a fan typed. Phrases are matched whole.
# fmt: off
CONCEPTS: dict[str, tuple[str, ...]] = {
    "@premiere": (
        "come out", "comes out", "coming out", "came out", "out yet", "release date",
        "air date", "premiere date", "drop date", "start date", "back on", "premiere",
        "premiered", "premiering", "release", "released", "releasing", "drop", "dropping",
        "dropped", "air", "airing", "aired", "debut", "debuted", "launch", "arrive", "arrives",
        "start", "starts", "begin", "begins", "out", "streaming date", "date", "drops",
        "hit netflix", "hits netflix", "hit screens", "land", "lands", "landing",
        "coming soon", "published", "publish", "go live", "went live", "goes live",
        "hit the telly", "hit telly", "hit tv", "hit the tv", "on telly",
    ),
    "@finale": (
        "last episode", "final episode", "season finale", "finale", "ending", "end", "ended",
        "ends", "cliffhanger", "cliff hanger", "twist", "final", "conclude", "concluded",
        "last ep", "final ep", "last one", "wrap up", "wraps up", "wrapped up", "how it ends",
        "conclusion", "left off", "leaves off", "left things",
    ),
    "@discover": (
        "find out", "found out", "finds out", "discover", "discovered", "learn", "learns",
    ),
    "@death": (
        "die", "died", "dies", "dead", "death", "survive", "survived", "survives", "alive",
        "killed", "kill", "make it",
    ),
    "@recap": (
        "recap", "summary", "summarise", "summarize", "sum up", "catch me up", "refresher",
        "happened", "rundown", "tldr", "tl dr", "remind", "previously", "catch up", "catchup",
    ),
    "@spoiler-free": (
        "without ruining the ending", "without spoiling the ending", "without spoiling",
        "without ruining", "without spoilers", "no spoilers", "spoiler free", "spoilerfree",
        "dont spoil", "do not spoil", "no spoiling", "dont ruin",
        # the ending declined, not asked for ("just the gist, not the last ep")
        "no ending spoilers", "no finale spoilers", "no spoilers for the ending",
        "not the ending", "not the end", "not the finale", "not the last ep", "no finale",
        "no end spoilers", "no end",
        "not the last episode", "without the ending", "without the finale", "minus the ending",
        "except the ending", "dont tell me the ending", "dont spoil the ending",
        "dont spoil the finale", "no ending", "skip the ending", "without spoiling the end",
        "without spoiling the finale", "without spoiling the ending", "dont want spoilers",
        "dont want to be spoiled", "no spoilers please", "without giving away the ending",
        "without giving away the end", "without giving away the conclusion",
        "without giving anything away", "without giving away",
    ),
    "@premise": (
        "premise", "plot", "synopsis", "storyline", "story", "logline", "about", "genre",
        "kind of show", "type of show", "happen", "happens", "going to happen", "drama",
        "thriller", "comedy", "setup", "pitch", "elevator pitch", "gist", "basic idea",
        "concept", "explain the show", "describe the show", "explain the series",
        "describe the series", "show in one sentence", "vibe", "vibes", "politics", "political",
        "spy thing", "spy show",
    ),
    "@cast": (
        "cast", "casting", "ensemble", "actor", "actors", "actress", "actresses", "play", "plays",
        "played", "playing", "portray", "portrays", "portrayed", "star", "stars", "starring",
        "starred", "in it", "character", "characters", "role", "roles", "part", "job",
        "cast list", "lineup", "line up", "who is in", "whos in", "who in",
    ),
    "@protagonist": (
        "main character", "main characters", "lead character", "central character",
        "protagonist", "main protagonist", "whose story", "whose pov",
    ),
    "@status": (
        "guest", "guest star", "main", "regular", "series regular", "recurring", "lead",
    ),
    "@all": (
        "everyone", "everybody", "whole cast", "all the cast", "rest of the cast", "the rest",
    ),
    "@exists": (
        "is there", "will there be", "is it getting",
    ),
    "@past": (
        "did", "was", "were", "came out", "used to", "ages ago", "a while ago", "long ago",
        "years ago",
    ),
    "@next-season": (
        "next season", "new season", "upcoming season", "coming season", "next one",
        "new one", "new series", "next series", "new episodes", "season 2",
        "what happens next", "we get more", "get to see more",
    ),
    "@new": (
        "new", "join", "joins", "joining", "joined", "newcomer", "added", "addition",
    ),
    "@return": (
        "come back", "coming back", "back", "return", "returns", "returning", "returned",
        "reprise", "still in",
    ),
    "@trailer": (
        "trailer", "teaser", "promo", "first look", "first looks", "sneak peek", "clip", "preview",
        "footage", "picture", "pictures", "pic", "pics", "photo", "photos", "image", "images",
        "stills", "photograph", "photographs", "video", "videos",
    ),
    "@renewal": (
        "renew", "renewed", "renewal", "cancel", "cancelled", "canceled", "cancellation",
        "greenlit", "green lit", "greenlight", "another season", "more season", "get a season",
        "getting a season", "picked up", "pick up", "picks up", "pick it up", "picked it up",
        "order a second season", "ordered a second season", "order another season",
        "ordered another season", "ordered more", "order more", "make more", "making more",
    ),
    "@watch": (
        "watch", "stream", "streaming", "platform", "service", "available", "catch up on",
        "rewatch", "re watch",
    ),
    "@platform": (
        "netflix", "prime video", "prime", "amazon", "hulu", "disney plus", "disney", "hbo",
        "max", "apple tv", "peacock", "paramount", "iplayer", "bbc",
    ),
    "@ratings": (
        "rating", "ratings", "viewership", "viewer", "viewers", "views", "viewed", "hours",
        "number one", "no 1", "top 10", "top ten", "popular", "popularity", "hit", "success",
        "successful", "numbers", "figures", "chart", "charts", "do well", "did well",
        "how well", "perform", "performed", "ppl watch", "how did it do", "howd it do",
        "how did s1 do", "how it did", "top 5", "top five", "top 3", "top three", "how big",
        "audience",
        "big hit",
    ),
    "@creator": (
        "creator", "created", "create", "showrunner", "show runner", "writer", "wrote", "made",
        "make",
    ),
    "@quote": (
        "say", "said", "says", "quote", "interview", "talk", "talked", "love", "loved",
        "comment", "commented", "comments on",
        "enjoy", "enjoyed", "like playing", "feel about", "feels about", "think of",
        "thinks of", "think about", "thinks about", "thoughts on", "thoughts about", "opinion",
    ),
    "@spouse": (
        "husband", "wife", "spouse", "married", "marriage", "hubby",
    ),
    "@when": (
        "when", "what date", "what day", "which day", "what year", "which year", "how long until",
        "how long till", "how long til", "how soon", "how fast", "how quickly", "how long ago",
        "how long since",
        # a month or a season of the year asks when ("s2 is in december right?")
        "january", "february", "march", "april", "june", "july", "august",
        "september", "october", "november", "december", "halloween", "christmas",
        "summer", "autumn", "winter", "spring", "this year", "next year",
    ),
    "@who": (
        "who", "whom", "whose",
    ),
    # Things fans ask that no fact answers unless a curator adds one: recognising them
    # keeps "how old is Keri Russell" from being answered with her role.
    "@age": ("how old", "age", "born", "birthday", "birth"),
    "@bio": (
        "how tall", "height", "nationality", "where is he from", "where is she from",
        "originally from", "from originally", "hometown", "grew up", "grow up", "growing up",
        "raised", "birthplace", "born in", "accent", "real accent", "heritage", "ethnicity",
        "citizen", "citizenship", "live in", "lives in", "where does he live",
        "where does she live", "health", "hospital", "surgery", "religion", "religious",
        "political views", "vegan", "pets", "star sign", "zodiac", "backstory", "back story",
        "background",
        "hobby", "hobbies", "sing", "sings", "singing", "singer", "dance", "dancing",
        "speak", "speaks", "fluent", "degree", "college", "university", "school",
    ),
    # An actor's or writer's work beyond this show: nothing a show's pack covers.
    "@career": (
        "been in", "what else", "other shows", "other roles", "other movies", "filmography",
        "movie", "movies", "next project", "new project", "other projects", "projects",
        "doing next", "up to next", "whats next for", "in before", "in other", "in any other",
        "other netflix", "in anything else",
        "project", "working on", "work on", "worked on", "directing", "director", "directed",
        "direct", "directs",
        "producer", "produced", "producing", "stunt", "stunts", "own stunts", "award",
        "awards", "oscar", "oscars", "nominated", "nomination", "golden globe", "bafta",
        "tony", "theatre", "theater", "broadway", "west end", "famous for",
        "best known", "known for", "first role", "breakout", "drama school",
        "acting school", "studied acting", "trained", "training", "research", "prepare",
        "prepared", "preparation", "audition", "auditioned", "podcast", "memoir",
    ),
    "@language": ("subtitles", "subtitle", "subs", "dubbed", "dub", "language", "languages"),
    "@weather": ("weather", "rain", "forecast", "temperature"),
    "@family": (
        "mom", "mum", "mother", "dad", "father", "parents", "kid", "kids", "children",
        "son", "daughter", "girlfriend", "boyfriend", "dating", "still together",
        "together irl", "together in real life", "are they together", "a couple irl",
        "related to",
    ),
    "@real-life": (
        "irl", "in real life", "real life", "true story", "based on", "modeled on", "modelled on",
        "inspired by", "meant to be",
    ),
    "@money": (
        "budget", "salary", "paid", "net worth", "cost", "costs", "money", "how much is",
        "price", "spend", "spent",
    ),
    "@filming": (
        "filmed", "filming", "film location", "shooting location", "locations", "film it",
        "film", "films",
        "shot in", "shot on location", "set in real", "makeup", "make up artist",
        "hair and makeup", "on set", "behind the scenes",
    ),
    "@social": (
        "instagram", "insta", "twitter", "tiktok", "social media", "socials", "follow him",
        "follow her", "fan mail", "autograph",
    ),
    # Asking about episodes; "just finished ep 8" is chatter and says nothing.
    "@episodes": (
        "how many episodes", "how many eps", "episode count", "number of episodes", "runtime",
        "how long are the episodes", "how long is each episode", "episode length",
        "minutes long", "episode titles", "episode names", "what episode", "which episode",
        "what ep", "which ep", "weekly", "every week", "all at once",
        "at once", "release schedule", "one at a time",
    ),
    "@requests": (
        "recommend", "recommendation", "recommendations", "shows like", "similar shows",
        "remind me when", "send me a reminder", "set a reminder", "notify me", "ping me when",
        "let me know when", "alert me",
        "something like", "anyone up for", "who is up for", "invite", "post it",
        "poll", "fun fact", "fun facts", "trivia", "poem", "write me", "fanfic",
        "fan fiction",
        "ping me", "ping everyone", "ping us", "dm me", "message me", "reminder", "remind me on",
        "vc", "voice chat", "voice channel", "watch with me", "download", "downloads", "make me",
        "schedule",
        "offline",
        "translate", "translation", "similar", "watch next", "watch after",
    ),
    # What people wear and what can be bought: no show's facts cover it.
    "@shopping": (
        "buy", "bought", "shop", "merch", "merchandise", "poster", "coat", "outfit",
        "outfits", "wardrobe", "costume", "costumes", "clothes", "dress", "dresses",
        "wearing", "wore", "jewelry", "jewellery", "necklace", "brand",
    ),
    # What becomes of the characters next: no source tells a season's plot ahead.
    "@plot-turn": (
        "become", "becomes", "becoming", "end up", "ends up", "ending up", "divorce",
        "divorced", "divorcing", "get caught", "gets caught", "got caught", "affair", "affairs",
        "impeached", "impeachment", "resign", "resigns", "break up", "breaks up", "cheat",
        "cheats", "cheating", "romantically", "love interest", "hook up", "get together",
        "end up together", "fired", "arrested", "pregnant", "bigger role", "more screen time",
        "screen time", "new job", "promoted", "promotion", "leave him", "leave her", "leaves him",
        "leaves her", "finally leave", "more to do", "get more",
        "bigger part", "run for",
    ),
    # Opinions to argue over, not questions of fact.
    "@opinion": (
        "worst", "overrated", "underrated", "change my mind", "who agrees", "fight me",
        "hot take", "unpopular opinion", "best actor", "best actress", "best character",
        "worst character", "goat",
    ),
    "@reviews": (
        "rotten tomatoes", "imdb", "reviews", "review", "critics", "emmy", "emmys", "any good",
        "actually good", "is it good", "worth watching", "worth it",
    ),
    # Other shows fans compare with (a pack's own show name is removed before this).
    "@other-show": (
        "the crown", "veep", "the west wing", "west wing", "house of cards", "stranger things",
        "bridgerton", "the americans", "succession", "the white lotus", "game of thrones",
        "house of the dragon", "the bear", "the last of us", "the morning show",
        "slow horses", "the night agent", "ozark", "squid game", "the boys", "yellowstone",
        "breaking bad", "better call saul", "mad men", "homeland", "madam secretary",
        "scandal", "designated survivor", "borgen", "bake off", "the office",
    ),
    "@music": (
        "theme song", "theme tune", "song", "songs", "soundtrack", "music", "composer",
        "composed", "intro song", "opening credits",
    ),
    "@content-rating": (
        "age rating", "rated r", "rated pg", "rated tv", "tv ma", "tv 14", "pg 13",
        "parental guidance", "parental rating", "family friendly", "kid friendly",
        "appropriate for", "ok for kids", "okay for kids", "suitable for", "12 yo", "12yo",
        "content warning", "content warnings", "trigger warning", "trigger warnings",
        "nudity", "sex scenes", "violence", "swearing",
    ),
    "@physical-media": (
        "dvd", "dvds", "blu ray", "bluray", "blu rays", "physical copy", "physical release",
        "box set", "boxset", "4k disc", "disc", "discs",
    ),
    # The hour something comes out: sources give dates, not times.
    "@time-of-day": (
        "what time", "which time", "what hour", "midnight", "time zone", "timezone",
        "pst", "pdt", "est", "edt", "gmt", "bst", "cet", "oclock", "o clock", "am est",
    ),
    "@where": (
        "where",
    ),
}
# fmt: on
OTHER_SHOW = "@other-show"
# Another show named to say who someone is; of an actor named too, it asks about their
# other roles ("is michael mckean the guy from better call saul").
ELSEWHERE = "@elsewhere"
# "No spoilers": how to answer, not what about. It rules out the spoiler facts.
SPOILER_FREE = "@spoiler-free"
# Kinds of question that only a fact of that kind answers: a question about an actor's
# age is not answered by the actor's role, however well the name matches.
INTENTS = frozenset(
    {
        "@age",
        "@bio",
        "@career",
        "@shopping",
        "@language",
        "@weather",
        "@family",
        "@real-life",
        "@money",
        "@filming",
        "@episodes",
        "@requests",
        "@social",
        "@reviews",
        "@opinion",
        "@plot-turn",
        "@music",
        "@time-of-day",
        "@content-rating",
        "@physical-media",
        "@other-show",
    }
)

# Words that carry no meaning for matching (after contractions lose their apostrophe).
STOPWORDS = frozenset(
    """
    a an the and or but so if then than of to for in on at by with from into onto as is
    are am was were be been being do does did doing done has have had having will would
    shall should can could may might must it its it's this that these those there here
    what which how why whats hows whys i me my mine you your yours we our us they them
    their he him his she her hers im ive id youre theyre thats theres heres any anyone
    anybody someone somebody know knows tell please pls plz thanks thank thx lol lmao
    lmfao omg rofl haha hahaha xd guys guy folks yall ya yo hey hi hello bot just really
    actually gonna wanna going get got gets getting still also like ok okay um uh hmm well
    yeah yes no not dont didnt doesnt isnt arent wasnt werent wont cant couldnt shouldnt
    wouldnt hasnt havent hadnt u ur r y k some all very much more again ever even now yet
    soon next upcoming current latest anything something one show series season seasons
    thing things wonder wondering curious question guess think idea info information news
    update updates official officially confirmed confirm confirmation announced announce
    announcement nah nope yep spoiler spoilers spoiling spoil spoilerfree free without
    explain explained sentence quick quickly before after forgot forget remember remind
    wait excited hype hyped stuff sorry dumb q qs saw seen posted post heard hear read
    thinking start starting right gm gn morning goodmorning hiya howdy sup
    started need want everything someone give gimme pretty kinda sorta lot lots totally
    literally finally detail details see ppl people keep keeps kept telling told basic
    basically genuinely forever since thru through finished confused fine wait waiting
    tho though anyways lowkey highkey fr ngl tbh imo imho idk istg bruh bro bestie rly
    srsly seriously honestly alright cheers ty tysm omfg wtf smh fam
    de del el la los las es en un una da na ni ng ang yung ba naman lang din po kay ka ki
    ke ko hai tha thi hua se yaar um uma com con por para sobre esta
    """.split()  # noqa: SIM905 - a word list reads best as text
)
# A few of the words above still matter in phrases ("still in", "in it", "no 1"):
# phrases are matched before stopwords are dropped.

# Contractions and chat abbreviations, spelled out before anything else.
_SPELLED_OUT = {
    "whos": "who",
    "wheres": "where",
    "whens": "when",
    "wen": "when",
    "whn": "when",
    "smth": "something",
    "sth": "something",
    "dos": "does",
    "wat": "what",
    "wats": "whats",
    "streamer": "streaming service",
    "yr": "year",
    "yrs": "years",
    "hr": "hours",
    "hrs": "hours",
    "sec": "secretary",
    "sis": "sister",
    "ep": "episode",
    "eps": "episodes",
    "ur": "your",
    "n": "and",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "tho": "though",
    "rn": "now",
    "ppl": "people",
    "axed": "cancelled",
    "axe": "cancel",
    "app": "streaming service",
    "binge": "watch",
    "jan": "january",
    "feb": "february",
    "mar": "march",
    "apr": "april",
    "jun": "june",
    "jul": "july",
    "aug": "august",
    "sept": "september",
    "oct": "october",
    "nov": "november",
    "dec": "december",
}
# Question words fans in international servers mix in (Spanish, Portuguese, romanized Hindi,
# Tagalog): "cuando sale la season 2", "kab aayega s2", "sino gumanap na PM".
_OTHER_LANGUAGES = {
    # when, who, what, where, how many
    "cuando": "when",
    "quando": "when",
    "kab": "when",
    "kailan": "when",
    "quien": "who",
    "quienes": "who",
    "quem": "who",
    "kaun": "who",
    "kisne": "who",
    "sino": "who",
    "que": "what",
    "kya": "what",
    "ano": "what",
    "donde": "where",
    "onde": "where",
    "kahan": "where",
    "saan": "where",
    "cuantos": "how many",
    "cuantas": "how many",
    "quantos": "how many",
    "quantas": "how many",
    "kitna": "how many",
    "kitne": "how many",
    "ilan": "how many",
    # coming out, watching
    "sale": "come out",
    "salio": "came out",
    "estreno": "premiere",
    "estrena": "premiere",
    "estrenara": "premiere",
    "estreia": "premiere",
    "lanzamiento": "release",
    "lancamento": "release",
    "sai": "come out",
    "saiu": "came out",
    "aayega": "come out",
    "aayegi": "come out",
    "ayega": "come out",
    "aayi": "came out",
    "aaya": "came out",
    "lalabas": "come out",
    "ver": "watch",
    "assistir": "watch",
    "dekhna": "watch",
    "dekhu": "watch",
    "panoorin": "watch",
    "manood": "watch",
    # the cast and who they play
    "actriz": "actress",
    "atriz": "actress",
    "ator": "actor",
    "elenco": "cast",
    "reparto": "cast",
    "gumanap": "played",
    "papel": "role",
    "esposo": "husband",
    "marido": "husband",
    "pati": "husband",
    "esposa": "wife",
    "patni": "wife",
    "asawa": "spouse",
    "hermana": "sister",
    "irma": "sister",
    "behen": "sister",
    "kapatid": "sister",
    "hermano": "brother",
    "irmao": "brother",
    "bhai": "brother",
    # titles and the story
    "presidente": "president",
    "vicepresidente": "vice president",
    "secretario": "secretary",
    "estado": "state",
    "ministro": "minister",
    "primer": "prime",
    "primeiro": "prime",
    "embajadora": "ambassador",
    "embaixadora": "ambassador",
    "creadora": "creator",
    "criadora": "creator",
    "creador": "creator",
    "criador": "creator",
    "dijo": "said",
    "disse": "said",
    "sabi": "said",
    "trata": "about",
    "tungkol": "about",
    "aconteceu": "happened",
    "sucedio": "happened",
    "avance": "trailer",
    "verdad": "right",
    "ne": "right",
}
_SPELLED_OUT.update(_OTHER_LANGUAGES)
SPELLINGS = frozenset(_SPELLED_OUT)
"""Words spelled out before anything else: never spelling mistakes."""
# fmt: off
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight":
    8, "nine": 9, "ten": 10, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6,
    "primera": 1, "primeira": 1, "segunda": 2, "pehla": 1, "pehli": 1, "doosra": 2,
    "dusra": 2, "unang": 1, "ikalawang": 2,
}
# fmt: on
_SEASON_WORD = (
    r"(?:season|seasons|seasn|seaon|seson|sesaon|seasson|saeson|szn|ssn|series|temporada)"
)
_NUMBER = r"(\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_SEASON_PATTERNS = (
    re.compile(rf"\b{_SEASON_WORD}\s*#?\s*{_NUMBER}\b"),
    re.compile(rf"\b{_NUMBER}\s+{_SEASON_WORD}\b"),
    re.compile(r"\bs\s?0?(\d{1,2})(?:\s?e\s?\d{1,2})?\b"),
)
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_FIRST_RELEASE = re.compile(
    r"\bfirst (?:air|aired|drop|dropped|came out|come out|premiered|released|debuted|"
    r"started|began|hit)\b"
)
# The asker's own people are chatter ("my mom wants to watch it"), not a question about an
# actor's family.
_ASKERS_PEOPLE = re.compile(
    r"\b(?:my|our) (?:mom|mum|mother|dad|father|parents|kids?|children|son|daughter|wife|"
    r"husband|gf|bf|girlfriend|boyfriend|partner|other half|sister|brother|family|friends?|abuela|"
    r"nan|gran|"
    r"twitter|tl|timeline|feed|fyp|insta|instagram|tiktok)"
    r"(?: (?:in|from|at) \w+)?(?: (?:says|said|told me|tells me|thinks|thought|heard|reckons"
    r"|swears|claims|insists|keeps saying))?\b"
    # ... and "the wife wants it in the calendar", "i say it's not"
    r"|\bthe (?:wife|missus|hubby|other half) (?:wants|says|said|thinks|asked|reckons|swears)\b"
    r"|\bi (?:say|said|reckon|bet)\b"
)
# "where is <someone> from" asks about an actor's life, not their part in the show.
# Where the asker saw something is not what they ask about: "saw on tiktok allison janney is
# in s2??", "tiktok keeps saying the PM did it" ask about the show, not anyone's socials.
_PLATFORM = r"(?:twitter|tiktok|insta|instagram|reddit|youtube|facebook)"
_HEARSAY = re.compile(
    r"\b(?:(?:saw|seen|read|heard|someone|somebody|people|everyone|edits?|posts?|videos?)"
    rf"(?: \w+){{0,3}}? (?:on|from) {_PLATFORM}"
    r"(?: (?:said|says|saying|posted|claims|claimed|thinks))?"
    rf"|{_PLATFORM} (?:keeps saying|is saying|says|said|saying|bubble|rumors?|rumours?)"
    rf"|(?:hyped|trending|viral|famous|big|going around|around|all over) (?:on )?{_PLATFORM})\b"
)
# "that <title> show" is some other show than this one ("is she in that bly manor show too").
_THAT_OTHER_SHOW = re.compile(
    r"\b(?:in|on|from) that (?:\w+ ){1,4}?(?:show|series|movie|film|episode|ep)\b"
)
# "is celia imrie british?" asks where an actor is from, not about the show's Britain.
_NATIONALITY = re.compile(
    r"\b(?:is|are|was) (?!(?:it|this|that|the show|the series)\b)(?:\w+ ){1,3}"
    r"(?:actually |really )?(?:british|american|english|irish|scottish|welsh|canadian"
    r"|australian)\b"
)
# "is she in any horror stuff", "doing any more spinal tap stuff": an actor's other work.
_OTHER_WORK = re.compile(
    r"\b(?:in|doing|done|do) any (?:more |other )?(?:\w+ ){0,2}(?:stuff|things|movies|films"
    r"|shows|series)\b"
)
# The ending refused, however it is put: "minus the last episode", "skip the end".
_REFUSES_THE_END = re.compile(
    r"\b(?:minus|skip|skipping|except|except for|without|not|no|leave out|leaving out|exclude"
    r"|dont tell me|do not tell me|dont spoil|do not spoil|dont give away"
    r"|excluding|but not|apart from|besides|stop before) (?:spoilers? (?:of|for|about|on) )?"
    r"(?:the |how it |how s1 |how season 1 )?"
    r"(?:last (?:episode|ep)|final (?:episode|ep)|finale|ending|ends|end|twist|cliffhanger"
    r"|conclusion)\b"
)
# Chatter that looks like words of a question: "this server is dead", "the watch party",
# "back in 2022" (then, not coming back).
_CHATTER = re.compile(
    r"\b(?:server|channel|chat|this place|gc)(?: is| s)? (?:so |kinda |pretty |lowkey )?dead\b"
    r"|\bwatch ?part(?:y|ies)\b"
    # the asker's own diary: "need to clear my schedule"
    r"|\b(?:(?:clear|free up|check|plan|rearrange) )?(?:my|our) (?:schedule|calendar|diary)\b"
    # greetings: "good morning everyone", "how's your week going"
    r"|\b(?:(?:good )?(?:morning|afternoon|evening|night)|hi|hey|hello|gm)"
    r" (?:every(?:one|body)|all|yall|y all|guys|fam|friends)\b"
    r"|\bgood (?:morning|afternoon|evening|night)\b"
    r"|\b(?:hope )?(?:you all |yall |y all |everyone |you )?(?:have|had) an?"
    r" (?:good|great|nice|lovely) (?:day|week|weekend|night|one)\b"
    r"|\bhow (?:is |are )?(?:your|ur|every(?:one|body)) (?:day|week|weekend|night)(?: going)?\b"
    r"|\bback(?= in (?:\w+ ){0,3}(?:19|20)\d\d\b| then\b| in the day\b)"
)
# "who is he irl" asks who plays him, not about his life.
_WHO_IN_REAL_LIFE = re.compile(
    r"\bwho (?:is|are|was|were) (?:he|she|they|that|this|the \w+) (?:irl|in real life)\b"
)
# "remind me" before a question only asks it: "remind me what month s1 aired".
_REMIND_ME_OF = re.compile(
    r"\bremind (?:me|us) (?=(?:what (?:month|year|day|date|time)|who|whos|which|where|"
    r"how (?:many|much|long|old)|if|whether)\b)"
)
_WHERE_FROM = re.compile(r"\bwhere (?:is|are|was|were) (?:\w+ ){1,3}from\b")
_SPACES = re.compile(r"\s+")
# Another show named to say who someone is ("the guy from better call saul", "loved her in
# the americans", "the west wing lady") asks about this show's cast, not the other show.
_KNOWN_FROM_ELSEWHERE = re.compile(
    r"\b(?:guy|man|woman|lady|girl|dude|alum|star|one|him|her|he|she)"
    r"(?:\s+who was|\s+that was)?\s+(?:from|in|on)\s+@other-show(?![\w-])"
    # "the actress from ...", "keri russell from the americans"; not "play in ..."
    r"|(?:@cast(?:\s+is|\s+was)?|\b(?!is\b|was\b|are\b)[a-z]+)\s+from\s+@other-show(?![\w-])"
    r"|@other-show\s+(?:(?:guy|man|woman|lady|girl|dude|alum|star)\b|@cast)"
)


@dataclass(frozen=True)
class Analysis:
    """A question or phrasing reduced to the seasons it names and its canonical terms."""

    seasons: frozenset[int]
    terms: tuple[str, ...]


def fold(text: str) -> str:
    """Lower-case ASCII-ish text: accents, curly quotes, punctuation and spacing folded."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"'s\b", "", text)  # possessives: "kate's" -> "kate"
    text = re.sub(r"#\s?1\b", " number one ", text)
    text = re.sub(r"\bw/o\b", " without ", text)
    text = text.replace("'", "")  # contractions: "what's" -> "whats"
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()


class Vocabulary:
    """Phrases that each stand for one idea: general fan speech (:data:`CONCEPTS`), plus a
    show's own words from its pack ("vp" and "vice prez" for "vice president").

    A show's word can name a new idea or add phrases to a general one (``spouse``).
    """

    def __init__(self, show_words: Mapping[str, Iterable[str]] | None = None) -> None:
        concepts = {concept: list(phrases) for concept, phrases in CONCEPTS.items()}
        for word, phrases in (show_words or {}).items():
            folded = [fold(phrase) for phrase in phrases]
            concepts.setdefault(f"@{word}", []).extend(p for p in folded if p)
        self.concept_of = {phrase: c for c, phrases in concepts.items() for phrase in phrases}
        # One alternation, longest phrase first, so "vice president" wins over "president".
        self._phrase = re.compile(
            r"(?<![a-z0-9])(?:"
            + "|".join(map(re.escape, sorted(self.concept_of, key=len, reverse=True)))
            + r")(?![a-z0-9])"
        )
        self.words = frozenset(word for phrase in self.concept_of for word in phrase.split())

    def replace(self, text: str) -> str:
        """``text`` with every known phrase replaced by its idea's term ("@vp")."""
        return self._phrase.sub(lambda match: f" {self.concept_of[match.group()]} ", text)


GENERAL = Vocabulary()
"""General fan speech only, for text about no show in particular."""


_CONFIRMED = re.compile(r"\b(?:confirmed|confirm|official|officially|happening|announced)\b")


def find_seasons(folded: str) -> tuple[frozenset[int], str]:
    """The seasons a folded text names, and the text without those mentions."""
    seasons: set[int] = set()

    def take(match: re.Match[str]) -> str:
        number = match.group(1)
        seasons.add(int(number) if number.isdigit() else _NUMBER_WORDS[number])
        return " "

    for pattern in _SEASON_PATTERNS:
        folded = pattern.sub(take, folded)
    return frozenset(seasons - {0}), folded


def stem(word: str) -> str:
    """A very light stemmer: plural and third-person -s only, never on names' cores."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# How fans put things, rewritten before phrases become concepts, in this order.
_REWRITES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_ASKERS_PEOPLE, " "),
    (_HEARSAY, " "),
    (_CHATTER, " "),
    (_REMIND_ME_OF, " "),
    (_WHO_IN_REAL_LIFE, " who plays "),
    (_REFUSES_THE_END, f" {SPOILER_FREE} "),
    (_OTHER_WORK, " other roles "),
    (_NATIONALITY, lambda match: f"{match.group().rsplit(' ', 1)[0]} nationality"),
    (_THAT_OTHER_SHOW, f" in {OTHER_SHOW} "),
    (_WHERE_FROM, " hometown "),
)


def terms_of(folded: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """Canonical terms of folded text: phrases to concepts, then words minus stopwords."""
    words = [_SPELLED_OUT.get(word, word) for word in folded.split()]
    text = " ".join(words)
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    text = (vocabulary or GENERAL).replace(text)
    text = _KNOWN_FROM_ELSEWHERE.sub(f" @cast {ELSEWHERE} ", text)
    terms = []
    for word in text.split():
        if word.startswith("@"):
            terms.append(word)
        elif _YEAR.fullmatch(word):  # a year asks when ("s1 was 2022 wasnt it")
            terms += ["@when", word]
        elif word not in STOPWORDS and (len(word) > 1 or word.isdigit()):
            terms.append(stem(word))
    return terms


def analyse(
    text: str,
    *,
    ignore: Iterable[str] = (),
    correct: Callable[[str], str] | None = None,
    vocabulary: Vocabulary | None = None,
) -> Analysis:
    """Reduce ``text`` to its season and canonical terms.

    ``correct`` fixes a misspelt word (see :class:`bot.core.matcher.Lexicon`). ``ignore``
    lists phrases that say nothing about which fact is wanted, such as the show's own
    name ("the diplomat"); they are removed before synonyms are applied.
    """
    folded = fold(text)
    for phrase in ignore:  # "diplomat 2" is Season 2 of the show
        folded = re.sub(rf"\b{re.escape(fold(phrase))} ([1-9])\b", r"season \1", folded)
    seasons, rest = find_seasons(folded)
    if not seasons and _FIRST_RELEASE.search(rest):
        seasons = frozenset({1})  # "what month did it first air": the first season's premiere
    if correct is not None:
        rest = " ".join(correct(word) for word in rest.split())
    for phrase in ignore:
        rest = re.sub(rf"\b{re.escape(fold(phrase))}\b", " ", rest)
    terms = tuple(terms_of(rest, vocabulary))
    if seasons and not terms and _CONFIRMED.search(rest):
        terms = ("@renewal",)  # "is season 2 confirmed?": whether there will be one
    if "@next-season" in terms and len(seasons) == 1:
        # The season after the one named: "just finished s1, when does the next season land"
        seasons |= {max(seasons) + 1}
    if "@return" in terms and len(seasons) == 1:
        # Coming back from a season is coming back for the next: "is the s1 cast returning"
        seasons |= {max(seasons) + 1}
    return Analysis(seasons, terms)


# Words a question starts with, as fans type them (after an "ok", "also", "and").
_QUESTION_START = (
    r"who|whos|who's|whom|whose|when|whens|when's|wen|where|wheres|where's|what|whats|what's|"
    r"wat|wats|which|how|hows|how's|why|is|isnt|are|does|do|did|will|was|were|can|could|"
    r"has|have|any|should|would|tell|catch|explain|remind|give|gimme"
)
_SENTENCES = re.compile(
    r"(?<=[?!.:])\s+|\s*\n+\s*|;\s*|(?<=[\u2600-\u27bf\U0001f300-\U0001faff])\s+"
    r"|\s+[\u2014\u2013-]+\s+"  # a dash between thoughts: "new here lol — whats it about"
    # the asker on themselves after a comma: "..., i need to book the night off"
    r"|,\s+(?=(?:i|im|i'm|ive|i've|my)\s)"
    r"|\s+(?=(?:anyway|anyways|btw)\b)"
    # laughter (or "ngl") closes a thought: "i only know keri russell is in it lol whats it about"
    + "".join(
        rf"|(?<=\b{laugh})\s+(?=(?:{_QUESTION_START})\b)"
        for laugh in ("lol", "lmao", "haha", "ngl")
    ),
    re.IGNORECASE,
)
_CLAUSES = re.compile(
    rf",?\s+(and|also|plus|&|\+|n)\s+(?:(?:roughly|also|then|actually|just|so|btw)\s+)?"
    rf"(?=(?:{_QUESTION_START})\b)|,\s*(?=(?:{_QUESTION_START})\b)",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^(?:(?:ok|okay|so|and|also|plus|but|anyway|btw|oh|wait|like|if so|quick qs?)\b[\s,:]*)+",
    re.IGNORECASE,
)
# Who plays several parts, as fans list them: each pattern finds the list ("roles").
_PLAY = r"(?:plays|play|played|portrays|is playing|are playing)"
_ACTORS = r"(?:actors?|actress(?:es)?|cast)"
_CAST_LISTS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # "who plays A, B and C"
        rf"^(?:who {_PLAY}|whos playing)\s+(?P<roles>.+?)[\s?!.]*$",
        # "who are A and B played by"
        r"^who (?:are|is|were|was) (?P<roles>.+?) (?:played|portrayed) by[\s?!.]*$",
        # "A, B and C, who plays each one?", "A and B actresses??"
        rf"^(?P<roles>.+?)[\s,:\u2014-]+(?:who {_PLAY} (?:each|them|which|who)(?: one)?"
        rf"|(?:the )?{_ACTORS}(?: pls| please)?)[\s?!.]*$",
        # "actors for A, B and C", "names of the actresses playing A and B"
        rf"^(?:(?:the )?names? of )?(?:the )?{_ACTORS} (?:for|of|playing) (?P<roles>.+?)[\s?!.]*$",
    )
)
_ITS_ACTOR = re.compile(
    rf"^(?P<role>(?:\S+ ){{0,5}}?\S+) {_ACTORS}(?: pls| please)?\W*$", re.IGNORECASE
)
_ROLE_WORDS = 6  # a part named in a list is a few words ("the white house chief of staff")
_LIST = re.compile(r",\s*(?:and\s+)?|\s+(?:and|n)\s+|\s*[&+]\s*", re.IGNORECASE)
_STARTS_A_QUESTION = re.compile(rf"^(?:{_QUESTION_START})\b", re.IGNORECASE)
_ASKS = re.compile(rf"^(?:{_QUESTION_START})\b|\?\W*$|\bright\W*$", re.IGNORECASE)

# A clause of this many words joined to a question asks too ("s2 date and is there a
# trailer?") ...
_TERSE_WORDS = 4
# ... unless it remarks on something: "i loved the finale and when is s2"
_REMARK = re.compile(
    r"\b(?:i|im|i'm|we|was|were|omg|wow|love|loved|like|liked|hate|hated|great|amazing)\b",
    re.IGNORECASE,
)


def split_questions(text: str) -> list[tuple[str, bool]]:
    """The parts of a message, each with whether it reads as a question.

    "whens s2 out and is janney in it" gives two questions; "omg that ending 😭 anyway when
    is s2" gives chatter, then a question; "who plays the pm, the vp and the president" gives
    three questions.
    """
    parts = []
    for sentence in _SENTENCES.split(text.strip()):
        roles = _each_role(sentence)  # "A, B and C, who plays each?" before its commas part it
        if len(roles) > 1:
            parts += [(role, True) for role in roles]
            continue
        pieces = _CLAUSES.split(sentence)  # clause, "and" (or None), clause, ...
        clauses = [clause.strip(" ,") for clause in pieces[::2]]
        joined = [joiner is not None for joiner in pieces[1::2]] + [False]
        asks = [bool(_ASKS.search(_FILLER.sub("", clause))) for clause in clauses]
        for n, clause in enumerate(clauses):
            # (One clause is the sentence, already read for a list of parts above.)
            each = [clause] if len(clauses) == 1 else _each_role(clause)
            # A few words joined to a question ask too: "s2 date and is there a trailer?"
            terse_with_question = (
                joined[n]
                and asks[n + 1]
                and len(clause.split()) <= _TERSE_WORDS
                and not _REMARK.search(clause)
            )
            if clause:
                parts += [(part, asks[n] or terse_with_question) for part in each]
    return parts


def _each_role(clause: str) -> list[str]:
    """ "who plays A, B and C" (or "A and B actresses??") as "who plays A", "who plays B"
    and "who plays C"; any other clause as it is."""
    text = _FILLER.sub("", clause)
    for pattern in _CAST_LISTS:
        match = pattern.match(text)
        if match is None:
            continue
        roles = [role.strip() for role in _LIST.split(match["roles"]) if role.strip()]
        if 2 <= len(roles) <= 3 and all(_a_role(role) for role in roles):
            return [f"who plays {role}" for role in roles]
    # "eidra actress + billie actress pls": each item names a part and asks for its actor
    items = [_ITS_ACTOR.match(item.strip()) for item in _LIST.split(text) if item.strip()]
    roles = [item["role"] for item in items if item]
    if 2 <= len(roles) == len(items) <= 3:
        return [f"who plays {role}" for role in roles]
    return [clause]


def _a_role(text: str) -> bool:
    """Whether an item of a list can be a part's name, not another question."""
    return len(text.split()) <= _ROLE_WORDS and not _STARTS_A_QUESTION.match(text)
