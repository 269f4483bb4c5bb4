"""Words that suggest hate where the resident did not say it was hate, for staff to ask about.

A resident may answer no to "do you think any of it is because of who you are?" and then write
"he shouted go back to pakistan at my dad". The bot changes nothing: the answer stays theirs.
The summary tells staff the words may describe a hate incident, so they can ask (the hate route
can change the outcome). Phrases, not single words, as in `dialogs.safety`.
"""

from __future__ import annotations

import re

_WHO = (
    r"(black|asian|white|brown|muslim|jewish|a jew|sikh|hindu|christian|gay|lesbian|bi|bisexual"
    r"|queer|trans|transgender|disabled|autistic|deaf|blind|polish|foreign|romanian|irish|a?"
    r" ?traveller|travellers|gypsy|gypsies|roma|in a wheelchair|an immigrant|immigrants|refugees?)"
)
_HINT = re.compile(
    r"\b("
    r"racis[tm]\w*|racial\w*|homophob\w*|transphob\w*|islamophob\w*|anti ?-?semit\w*|disablis[tm]"
    r"|biphob\w*|xenophob\w*|hate crimes?|hate incidents?|hate speech"
    r"|go (back |home )?((to|home to) )?((your|my|his|her|their|our) (own )?country"
    r"|where (you|they|i|we|he|she) (came|come|comes) from)"
    r"|go (back|home) (to )?(pakistan|poland|africa|india|romania|jamaica|somalia|bangladesh|china"
    r"|syria|iraq|afghanistan)"
    rf"|(because|cos|coz|cause|as) (im|i am|we are|were|hes|shes|he is|she is|theyre|they are"
    rf"|my \w+ is) {_WHO}"
    r"|(about|because of|on account of|over) (my|our|his|her|their) (race|religion|colour|skin"
    r"|skin colour|disability|sexuality|faith|accent|headscarf|hijab|turban|wheelchair)"
    r"|(pulled|pulling|grabbed|grabbing|ripped|tore|spat on|mocked|mocking|laughed at|laughing at"
    r"|kicked|kicking) (at )?(my|our|his|her|their) (hijab|headscarf|turban|kippah|yarmulke|niqab"
    r"|burka|burqa|wheelchair|walking stick|white stick|guide dog|hearing aids?)"
    r"|(paki|pakis|n[i1]gg(er|a|ers|as)|faggots?|trann(y|ies)|gypos?|pikeys?|ragheads?)"
    r")(?![\w])"
    r"|\b(you|u|a|the|fucking|dirty|effing) (p\*{2,}|n\*+(r|a|er)?|f\*{2,}t?)(?![\w*])"
)


def might_be_hate(text: str) -> bool:
    """True when the words suggest hate ("go back to your own country", "because im gay")."""
    return bool(_HINT.search(text.lower().replace("'", "").replace("\u2019", "")))
