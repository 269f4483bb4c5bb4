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
_TOLD = (
    r"(told|tells|telling|shouted|shouting|shouts|yelled|yelling|screamed|screaming|said|saying"
    r"|says)"
)
_HINT = re.compile(
    r"\b("
    r"racis[tm]\w*|racial\w*|homophob\w*|transphob\w*|islamophob\w*|anti ?-?semit\w*|disablis[tm]"
    r"|biphob\w*|xenophob\w*|hate crimes?|hate incidents?|hate speech|swastikas?|speak english"
    r"|go (back |home )?((to|home to) )?(your (own )?country|where you (came|come) from)"
    rf"|{_TOLD}( \w+){{0,4}} (go|get) (back|home)( \w+){{0,2}} ((my|his|her|their|our) (own )?"
    r"country|where (they|i|we|he|she) (came|come|comes) from|pakistan|poland|africa|india|romania"
    r"|jamaica|somalia|bangladesh|china|syria|iraq|afghanistan)"
    r"|go (back|home) to (pakistan|poland|africa|india|romania|jamaica|somalia|bangladesh|china"
    r"|syria|iraq|afghanistan) you"
    r"|(pulled|pulling|grabbed|grabbing|ripped|tore|spat on|mocked|mocking|laughed at|laughing at"
    r"|kicked|kicking) (at )?(my|our|his|her|their) (\w+s )?(hijab|headscarf|turban|kippah"
    r"|yarmulke|niqab|burka|burqa|wheelchair|walking stick|white stick|guide dog|hearing aids?)"
    rf"|(its|it is|they do it|he does it|she does it|only|just|all|targeted|picked on|singled out)"
    rf" (because|cos|coz|cause) (im|i am|we are|were|hes|shes|he is|she is|my \w+ is) {_WHO}"
    r"|monkey (noises|chants|sounds|gestures)|(called|calling|calls) (me|us|him|her|them|my \w+)"
    r" (a |an )?(monkey|ape)|(the )?n ?-?word"
    r"|(paki|pakis|n[i1]gg(er|a|ers|as)|faggots?|trann(y|ies)|gypos?|pikeys?|ragheads?|retard(s|ed)?"
    r"|spastics?|spaz|mong|dykes?|poofs?|yids?|chinks?|wogs?|coons?)"
    r")(?![\w])"
    r"|\b(you|u|a|the|fucking|dirty|effing) (p\*{2,}|n\*+(r|a|er)?|f\*{2,}t?)(?![\w*])"
)
_BECAUSE = re.compile(
    rf"\b(because|cos|coz|cause|as) (im|i am|we are|were|hes|shes|he is|she is|my \w+ is) {_WHO}"
    r"|\b(about|because of|on account of) (my|our|his|her) (race|religion|colour|skin|skin colour"
    r"|disability|sexuality|faith|accent|headscarf|hijab|turban|wheelchair)"
)
"""Who the resident is: a hint only beside words of hostility ("they shout at us because my son
is autistic"), since "because im disabled the noise affects me more" is about the impact."""
_HOSTILE = re.compile(
    r"\b(call\w*|shout\w*|abus\w*|target\w*|pick(s|ed|ing)? on|harass\w*|attack\w*|insult\w*"
    r"|bull(y|ies|ied|ying)|mock\w*|slurs?|spat|spit\w*|names|taunt\w*|hate|hates|hated|laugh\w*"
    r"|threat\w*|swear\w*|sworn)\b"
)


def might_be_hate(text: str) -> bool:
    """True when the words suggest hate ("go back to your own country", "because im gay")."""
    words = text.lower().replace("'", "").replace("\u2019", "")
    return bool(_HINT.search(words) or (_BECAUSE.search(words) and _HOSTILE.search(words)))
