"""Word lists of English news syntax used by the quote rules.

Nothing here is about particular articles: speech verbs, pronouns, role nouns
(grouped into families so that "the filmmaker" finds "Director X"), words that
mark organisations rather than people, and words that start a sentence without
being part of a name.
"""

from __future__ import annotations

from typing import Final, Literal

Gender = Literal["female", "male"]


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal block."""
    return frozenset(text.split())


def _inflections(*stems: str) -> frozenset[str]:
    """``"say|says|said|saying"``-style groups, written out by hand per verb."""
    words: set[str] = set()
    for stem in stems:
        words.update(stem.split("|"))
    return frozenset(words)


SPEECH_VERBS: Final = _inflections(
    "say|says|said|saying",
    "tell|tells|told|telling",
    "add|adds|added|adding",
    "recall|recalls|recalled|recalling",
    "quip|quips|quipped|quipping",
    "joke|jokes|joked|joking",
    "explain|explains|explained|explaining",
    "note|notes|noted|noting",
    "insist|insists|insisted|insisting",
    "continue|continues|continued|continuing",
    "admit|admits|admitted|admitting",
    "ask|asks|asked|asking",
    "reply|replies|replied|replying",
    "write|writes|wrote|writing",
    "tweet|tweets|tweeted|tweeting",
    "post|posts|posted|posting",
    "state|states|stated|stating",
    "declare|declares|declared|declaring",
    "remark|remarks|remarked|remarking",
    "claim|claims|claimed|claiming",
    "argue|argues|argued|arguing",
    "warn|warns|warned|warning",
    "laugh|laughs|laughed|laughing",
    "reveal|reveals|revealed|revealing",
    "confirm|confirms|confirmed|confirming",
    "comment|comments|commented|commenting",
    "stress|stresses|stressed|stressing",
    "share|shares|shared|sharing",
    "gush|gushes|gushed|gushing",
    "exclaim|exclaims|exclaimed|exclaiming",
    "acknowledge|acknowledges|acknowledged|acknowledging",
    "conclude|concludes|concluded|concluding",
    "respond|responds|responded|responding",
    "answer|answers|answered|answering",
    "announce|announces|announced|announcing",
    "concede|concedes|conceded|conceding",
    "agree|agrees|agreed|agreeing",
    "shout|shouts|shouted|shouting",
    "yell|yells|yelled|yelling",
    "whisper|whispers|whispered|whispering",
    "sigh|sighs|sighed|sighing",
    "complain|complains|complained|complaining",
    "boast|boasts|boasted|boasting",
    "muse|muses|mused|musing",
    "reflect|reflects|reflected|reflecting",
    "predict|predicts|predicted|predicting",
    "promise|promises|promised|promising",
    "vow|vows|vowed|vowing",
    "explain|explains|explained|explaining",
    "observe|observes|observed|observing",
    "suggest|suggests|suggested|suggesting",
    "counter|counters|countered|countering",
    "recount|recounts|recounted|recounting",
    "reminisce|reminisces|reminisced|reminiscing",
    "tease|teases|teased|teasing",
    "begin|begins|began|beginning",
    "go on|goes on|went on|going on",
)
"""Verbs that introduce direct speech in news copy (lower case)."""

NOMINATIVE_PRONOUNS: Final[dict[str, Gender | None]] = {
    "he": "male",
    "she": "female",
    "they": None,
}
OBJECT_PRONOUNS: Final[dict[str, Gender]] = {
    "him": "male",
    "his": "male",
    "himself": "male",
    "her": "female",
    "hers": "female",
    "herself": "female",
}
PRONOUN_GENDER: Final[dict[str, Gender]] = {
    "he": "male",
    "him": "male",
    "his": "male",
    "himself": "male",
    "she": "female",
    "her": "female",
    "hers": "female",
    "herself": "female",
}

HONORIFIC_GENDER: Final[dict[str, Gender | None]] = {
    "mr": "male",
    "mrs": "female",
    "ms": "female",
    "miss": "female",
    "sir": "male",
    "dame": "female",
    "lady": "female",
    "lord": "male",
    "dr": None,
    "prof": None,
    "professor": None,
}

TITLE_ABBREVIATIONS: Final[dict[str, str]] = {
    "sen": "senator",
    "rep": "lawmaker",
    "gov": "governor",
    "pres": "president",
    "sec": "minister",
    "atty": "lawyer",
    "gen": "officer",
    "lt": "officer",
    "col": "officer",
    "maj": "officer",
    "capt": "officer",
    "sgt": "officer",
    "adm": "officer",
    "cmdr": "officer",
    "supt": "officer",
    "rev": "clergy",
    "cpl": "officer",
    "pvt": "officer",
    "insp": "officer",
    "det": "officer",
    "amb": "ambassador",
    "hon": "lawmaker",
}
"""Titles abbreviated with a dot before a name (``Sen. Ted Cruz``, ``Army Capt. Jo Diaz``),
with the role family they give."""

ROLE_FAMILIES: Final[dict[str, str]] = {
    # film and entertainment
    "director": "director",
    "filmmaker": "director",
    "film-maker": "director",
    "helmer": "director",
    "producer": "producer",
    "actor": "actor",
    "actress": "actor",
    "star": "actor",
    "co-star": "actor",
    "singer": "singer",
    "rapper": "singer",
    "musician": "singer",
    "author": "author",
    "writer": "author",
    "novelist": "author",
    "screenwriter": "author",
    # politics and public office
    "minister": "minister",
    "secretary": "minister",
    "president": "president",
    "premier": "prime minister",
    "chancellor": "chancellor",
    "mayor": "mayor",
    "governor": "governor",
    "senator": "senator",
    "lawmaker": "lawmaker",
    "mp": "lawmaker",
    "councillor": "councillor",
    "councilor": "councillor",
    "deputy": "deputy",
    "leader": "leader",
    "ambassador": "ambassador",
    "official": "official",
    # organisations
    "spokesperson": "spokesperson",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "representative": "spokesperson",
    "rep": "spokesperson",
    "executive": "chief executive",
    "ceo": "chief executive",
    "boss": "chief executive",
    "chairman": "chair",
    "chairwoman": "chair",
    "chair": "chair",
    "founder": "founder",
    "manager": "manager",
    "coach": "coach",
    "captain": "captain",
    "player": "player",
    "economist": "economist",
    "analyst": "analyst",
    "professor": "professor",
    "researcher": "researcher",
    "scientist": "researcher",
    "doctor": "doctor",
    "surgeon": "doctor",
    "lawyer": "lawyer",
    "attorney": "lawyer",
    "judge": "judge",
    "officer": "officer",
    "detective": "officer",
    "inspector": "officer",
    "chief": "chief",
    "teacher": "teacher",
    "headteacher": "teacher",
    "principal": "teacher",
    "witness": "witness",
    "organiser": "organiser",
    "organizer": "organiser",
}
"""Role nouns in lower case, mapped to the family they are compared by."""

ROLE_GENDER: Final[dict[str, Gender]] = {
    "actress": "female",
    "spokeswoman": "female",
    "chairwoman": "female",
    "businesswoman": "female",
    "congresswoman": "female",
    "spokesman": "male",
    "chairman": "male",
    "businessman": "male",
    "congressman": "male",
}

RELATION_NOUNS: Final = _words(
    """wife husband son daughter mother father sister brother partner boyfriend girlfriend
    friend colleague co-star costar fellow team-mate teammate boss client rival opponent
    coach agent lawyer family parents children"""
)
"""Nouns after a possessive (``her coach``, ``his wife``) that name somebody else."""

UNNAMED_SOURCE_ROLES: Final = frozenset(
    {"spokesperson", "spokesman", "spokeswoman", "representative", "rep"}
)
"""Roles that usually stand for an unnamed source ("a spokesperson for X")."""

ORGANISATION_WORDS: Final = _words(
    """times weekly tonight today news post journal magazine tribune herald gazette
    press radio tv television channel network media records productions pictures
    studios studio entertainment ministry department office university college school
    council committee company corporation corp inc ltd llc plc group bank party
    agency association institute foundation hospital police court government
    airlines airline rail railways railway club fc united city county street avenue
    road square airport station service authority board commission parliament
    senate congress union federation league open cup championship festival
    weather trust fund society review series command academy coalition alliance caucus
    center centre project initiative institution museum march parade conference"""
)
"""Words that make a capitalised phrase an organisation, place or work, not a person."""

NON_NAME_WORDS: Final = _words(
    """a an the and or but nor of in on at to for from by with without into onto over
    under about after before during since until while when where why how what which who
    whom whose that this these those there here then than though although because if
    unless whether as so yet also even still just only not no yes it its it's he she
    they we you i me him her them us my your our their his hers ours theirs says said
    say tells told adds added asks asked according despite initially however meanwhile
    moreover indeed instead later earlier today yesterday tomorrow tonight now once
    twice again all both each every some many most more few several other another
    such same one two three four five six seven eight nine ten first second third last
    next new old is are was were be been being has have had do does did will would can
    could shall should may might must got get gets let lets make makes made
    monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december among amid like
    unlike neither either given besides against whatever whoever through across toward
    towards upon beyond except via"""
)
"""Capitalised words (at a sentence start, in headlines) that are not name parts."""


FIRST_NAMES_THAT_ARE_WORDS: Final = _words("will may june april august mark")
"""Words of ``NON_NAME_WORDS`` that also open a person's name (``Will Doyle``)."""

TIME_WORDS: Final = _words(
    """today tonight yesterday tomorrow monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november
    december morning afternoon evening night week weekend"""
)
"""Words that start a time, not an addressee (``said on Tuesday``)."""

NAME_PARTICLES: Final = frozenset(
    {
        "de",
        "da",
        "di",
        "del",
        "della",
        "der",
        "den",
        "van",
        "von",
        "le",
        "la",
        "du",
        "bin",
        "ibn",
        "al",
        "el",
        "dos",
        "das",
        "ter",
        "st",
    }
)
"""Lower-case words that may sit inside a person's name (Ursula von der Leyen)."""

VENUE_SUFFIXES: Final = frozenset(
    {
        "magazine",
        "newspaper",
        "paper",
        "podcast",
        "show",
        "programme",
        "program",
        "website",
        "outlet",
        "channel",
        "network",
        "station",
        "broadcaster",
        "daily",
    }
)
"""Generic words dropped from the end of a said-to venue ("Entertainment Weekly magazine")."""

AUDIENCE_NOUNS: Final = frozenset(
    {
        "reporters",
        "journalists",
        "fans",
        "supporters",
        "the audience",
        "the crowd",
        "the press",
        "the media",
        "parliament",
        "lawmakers",
        "students",
        "viewers",
        "listeners",
        "readers",
        "colleagues",
        "delegates",
        "mps",
        "senators",
    }
)
"""Lower-case addressees accepted after "told" ("told reporters")."""

SPEECH_LEMMAS: Final = _words(
    """
    say tell add detail elaborate quip insist tweet retweet write recall joke explain note admit
    ask reply post state declare remark claim argue warn laugh reveal confirm comment stress share
    gush exclaim acknowledge conclude respond answer announce concede agree shout yell whisper sigh
    complain boast muse reflect predict promise vow observe suggest counter recount reminisce tease
    continue describe call label dub brand term deem characterize characterise refer praise slam
    blast criticize criticise attack accuse charge allege assert contend maintain emphasize
    emphasise point mention cite quote testify report affirm reiterate repeat pledge threaten urge
    plead demand beg implore caution lament bemoan decry denounce condemn mock ridicule scoff snap
    retort chide scold rebuke lash hail tout laud applaud welcome thank apologize apologise concur
    dispute deny reject dismiss question wonder think believe feel fear hope worry expect know
    guess reckon imagine speculate estimate opine chant sing read interject interrupt chime weigh
    offer pen blog email text message proclaim preach lecture inform advise instruct remind assure
    reassure confess grumble mutter murmur cry scream roar bellow holler wail gasp hiss growl sneer
    thunder rail fume rant gripe quibble summarize summarise sum recommend propose insist vow swear
    joke jest banter spell clarify concede grant allow acknowledge dub nickname hint imply signal
    indicate conclude decide rule order command direct instruct request invite challenge dare
    protest object appeal petition pray caption scrawl snipe snip jab needle quote
    """
)
"""Lemmas of verbs that report speech, writing or thought (spaCy's lemmas, lower case)."""
