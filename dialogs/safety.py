"""Words that call for a safety notice: suicide or self-harm, or danger now.

A resident may say these anywhere they type, often in passing, in everyday spelling: "i cant go
on", "hes got a knife", "he said hes gonna kill me". The patterns are phrases, not single words,
so an ordinary report ("they kill the music at midnight", "knife crime was on the news", "by the
emergency exit") does not set them off. Text is matched lower-case with its apostrophes dropped
(`simplify`, then "can't" reads as "cant"), so every pattern here is written without them.

Danger covers threats, weapons, violence against a person, fire and arson, someone breaking in,
fearing for one's life, and something violent happening "now". The tests in tests/test_safety.py
list what residents typed that must be found, beside ordinary reports that must not be.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum

from dialogs.parsing import simplify


class Risk(StrEnum):
    """What a resident's words suggest, most serious first."""

    SELF_HARM = "self_harm"
    """Suicide or self-harm: Samaritans (116 123) and 999."""
    DANGER = "danger"
    """Danger now, a threat to life or a weapon: 999."""


_ME = r"my ?self"
_NOT_A_PLACE = (
    r"(?! (here|there|in|next|near|on|at|with|by|opposite|round|around|somewhere|anywhere))"
)
_THEY = (
    r"(she|he|they|shes|hes|theyre|my (mum|mother|dad|father|nan|gran|son|daughter|wife|husband"
    r"|partner|sister|brother|neighbour|friend|client)|the victim)"
)
_SELF_HARM = re.compile(
    r"\b("
    r"suicid\w*"
    rf"|(kill|killing|hurt|hurting|harm|harming|cut|cutting|hang|hanging|top|topping) {_ME}"
    r"|self ?-?harm\w*"
    r"|end(ing)? (it all|my (own )?life)|tak(e|ing) my (own )?life"
    r"|(want|wanna|wanting) (to )?die|want to be dead|wish i (was|were) dead"
    r"|better off dead|better off without me|not worth living|no reason to live"
    r"|(dont|do not) (really )?(want|wanna) (to )?(be alive|be here any ?more|be here no more"
    r"|live any ?more|wake up|go on|carry on living|exist)"
    r"|(dont|do not) (really )?(want|wanna) (to )?live(?! (here|there|in|next|near|on|at|with"
    r"|by|opposite|round|around|somewhere|anywhere))"
    r"|(cant|cannot|can not) (go on|carry on living|keep going any ?more)"
    r"|(not sure|dont think|dont know if|dont know how) i can (go on|carry on)"
    r"|overdose"
    r"|(id|i would|i d) be better off (not here|not around|gone|not alive)(?! from)"
    r"|(id|i would) rather be dead|might as well be dead"
    r"|(want|wanna|wanting|wish) (it all|my life) (to|would) end(?! up)"
    r"|(no|nothing) (point|reason) (in )?(living|being alive)"
    + _NOT_A_PLACE
    + r"|(life )?(is not|isnt|aint) worth living|whats the point (in|of) (living|being alive)"
    + _NOT_A_PLACE
    + r"|wish i (wasnt|was not|werent|were not|was never|had never been) (alive|here any ?more"
    r"|born)"
    r"|(taken|took|swallowed|take|taking) (all (of )?my|a load of|loads of|a lot of|too many"
    r"|lots of|a bottle of|a box of|a whole (packet|box|bottle) of|the whole (packet|box|bottle)"
    r" of) (tablets|pills|paracetamol|painkillers|meds|medication)"
    r"|(sleep|go to sleep) and (not|never) wake up( again| ever| any ?more)?$"
    r"|(im|i am) (going to|gonna) end (it all"
    r"|my life|it$)|(keep thinking|thinking|think|feel like) (about |of )?ending it( all)?$"
    r"|jump(ing)? (off|in front of) (a|the) (bridge|train|building|roof)"
    r"|nothing (left )?to live for"
    # Said of someone else, as a representative tells it: "my mum says she wants to die".
    rf"|{_THEY} (says |said |keeps saying |talks about |told me |has said )?(that )?"
    r"((she|he|they) )?(wants? to die|wanted to die|(doesnt|does not|dont|do not|didnt) (really )?"
    r"(want|wanna) to (live|be alive|be here any ?more|wake up)(?! (here|there|in|next|near|on|at"
    r"|with|by|opposite|round|around|somewhere|anywhere))|(cant|cannot|can not) go on$"
    r"|(is |was |has been )?(thinking|talking) (about|of) (ending it( all)?$|ending it all"
    r"|killing (herself|himself)|suicide)|would be better off dead|ending it( all)?$"
    r"|ending (it all|his life|her life|their life))"
    r"|(tried|trying|tries|try|wants?|wanted|going|gonna|threaten\w*|talk\w* about"
    r"|thinking (about|of)) (to )?(kill|killing|harm|harming|hang|hanging|hurt|hurting)"
    r" (herself|himself)"
    r"|(hanged|hung|cuts|cutting|harms|harming|hurting) (herself|himself)"
    r")\b"
)

_WHO = r"(me|us|you|u|ya|him|her|them|my \w+|our \w+|the (kids|children|baby))"
_HARM = r"(kill|stab|shoot|murder|hurt|attack|batter|beat up|burn|strangle|slash)"
_THREAT = (
    r"(gonna|gunna|gona|going to|goin to|will|would|wants? to|wanna|threat\w* to"
    r"|tr(y|ies|ied|ying) to|hed|shed|theyd|hell|shell|theyll|ill|ima|im gonna|im going to"
    r"|come (back )?(to|and)"
    r"|coming to)( (fucking|effing|bloody|f\w*ing))?"
)
_WEAPON = r"(knife|knifes|knives|gun|guns|machete|machetes|blade|weapon|axe|crossbow|baseball bat)"
_PEOPLE = (
    r"(me|us|him|her|them|my (son|daughter|kids?|children|child|wife|husband|partner|mum|mother"
    r"|dad|father|boy|girl|baby|brother|sister|nan|gran|grandson|granddaughter|carer|friend"
    r"|neighbour|dog))"
)
_PERSON = (
    rf"{_PEOPLE}(?! (ball|football|toys?|bikes?|cars?|stuff|things|bins?|garden|door|window"
    r"|over the edge))"
)
"""Someone harmed; not "kicking my kids ball", not "pushed me over the edge"."""
_VIOLENCE = (
    r"(punched|punching|kicked|kicking|headbutt\w*|assault\w*|attacked|attacking|slapped"
    r"|slapping|stabbed|stabbing|strangl\w*|spat at|spit at|spits at|beat up|beaten up"
    r"|battered|glassed|set (his|her|their|a|the) dogs? on|drove (his|her|their|a|the) \w+ at"
    r"|tried to run|threw (a |an |the |some |his |her |their )?(bottles?|bricks?|stones?|rocks?"
    r"|glass|glasses|knife|knives|fireworks?|acid|bleach|cans?|hammer|chairs?|bats?) at"
    r"|(he|she|they|someone|somebody|one of them|man|woman|boy|girl|lad|lads|neighbour|boyfriend"
    r"|girlfriend|husband|wife|partner|ex|brother|dad|father|next door)"
    r" (hit|pushed|shoved|grabbed))"
)
_NOT_VIOLENCE = r"(?! (out|off|to|into|with an? (fine|asbo|notice|injunction|order|letter)))"
"""After a person: "kick them out", "pushed me to report it" and "slap them with an asbo"."""
_HURT = (
    rf"(i|we|{_PEOPLE}|he|she|hes|shes) (was|were|got|has been|have been"
    r"|had been|been) (punched|hit|attacked|assaulted|stabbed|beaten( up)?|glassed|strangled"
    r"|kicked|headbutted|slashed|shot)(?! (out|off|over|by (a|the|their|his|her) (ball|football"
    r"|car|van)|with an? (fine|letter|notice|asbo|injunction|eviction)))"
    r"|(i|we|he|she) (was|were|got|have been|has been) threatened with (a|an|his|her|their)"
    r" (knife|gun|hammer|bat|bottle|machete|blade|weapon|axe|brick)"
    r"|(broke|broken|breaking) (my|his|her) (nose|arm|jaw|ribs?|leg|fingers?|wrist)"
    r"|(smash|kick|cave) (my|your|his|her) (face|head) in|do (me|you|him|her) in\b"
    r"|slit (my|your|his|her) throat|came at (me|us|him|her) with"
    r"|(grabbed|grabbing) (me|my (arm|neck|throat|hair|wrist))"
    r"|\b(rape|raped|raping|sexually assaulted)\b"
)
_FIRE = (
    r"set (fire to|(\w+ ){1,3}(on fire|alight|alite|ablaze))|arson|petrol bomb\w*"
    r"|(broke|broken|breaking|break) (in|into) (my|our|her|his) (house|home|flat)"
    r"|(petrol|lighter fluid|accelerant) (on|over|through|in|into) (the|my|our|her|his|their)"
    r" (door|letterbox|letter box|house|car|flat|home)"
    r"|(burn|burning|burnt|burned|torch|torched|petrol bomb\w*) (down )?(the|my|our|your|her|his"
    r"|their) (house|flat|home|place|building|door|car|van)|burn (it|us|me|you) (down|out)"
    r"|(firework|fireworks|lit \w+|burning \w+|petrol|lighter fluid) (through|in|into)"
    r" (the|my|our|her|his|their) (letterbox|letter box|door|window)"
)
_NOW = (
    r"^(?=.*\b(right now|as we speak|as i type|at this moment)\b)"
    r"(?=.*\b((smashing|kicking|breaking|attacking|threatening|hitting) (in |down )?(me|us|him"
    r"|her|them|my \w+|our \w+|the (door|window|windows))\b(?! (to|with|for|ball|football))"
    r"|trying to (get in|break in|force)|banging on (my|our|the) (door|window)))"
    r"|\b(outside|here|at (my|our|the) (front |back )?door) now (\w+ )?(smashing|kicking"
    r"|breaking|attacking|threatening|hitting|banging|trying)"
)
_NOT_AN_EMERGENCY = (
    r"(?! (exit|exits|contact|contacts|door|doors|services?|number|numbers|lights?|lighting"
    r"|repairs?|stairs|staircase|gate|access|housing|accommodation|appointment|department|room"
    r"|plumber|call ?out|alarm|cord|vehicles?|vets?|dentist|doctor|meeting))"
)
_DANGER = re.compile(
    r"(\b("
    r"in danger|help me now|help us now|being attacked|getting attacked|under attack"
    r"|(attacking|hitting|beating|punching|stabbing|strangling|choking|kicking) (me|us)\b"
    rf"|{_THREAT} {_HARM} {_WHO}\b"
    r"|death threats?|threat\w* to kill"
    r"|(got|has|have|had|with|holding|carrying|carries|pulled|pulls|pulling|waving|waved"
    r"|wielding|brandishing|brought|brings|showed|flashed|took out|taken out|pointed|points)"
    rf" (out )?(a |an |his |her |their |a big |a massive )?{_WEAPON}\b"
    rf"|{_WEAPON} (to|at|against|in) (my|his|her|their|our|your) (throat|neck|face|head|chest"
    r"|back|stomach|side)"
    rf"|{_THREAT} (cut|glass|slash|stab) {_PERSON}\b(?! off)"
    rf"|threat\w* {_PERSON} with (a|an|his|her|their|the) (\w+ )?(hammer|bat|bottle|brick"
    rf"|stick|bar|screwdriver|dog|{_WEAPON[1:-1]})\b(?! warden)"
    rf"|{_VIOLENCE} {_PERSON}\b{_NOT_VIOLENCE}"
    rf"|{_HURT}"
    rf"|{_FIRE}"
    r"|(youre|your|you are) (a )?dead( man| woman| meat)?$"
    r"|(trying to|tried to|try to|tries to) (break in( right now)?$|(break|get) (in|into) (my"
    r"|our|her|his) (house|home|flat)|kick (the|my|our|her|his) (front |back )?door (in|down)"
    r"|force (their|his|her) way in)"
    r"|(hes|shes|theyre|he is|she is|they are|someone is) (at|outside) (my|our|the) (front |back )?"
    r"(door|house|flat|window|home) (right )?now$"
    r"|(hiding|locked myself|locked ourselves) in (the|my|our) \w+|(he|she) (wont|will not)"
    r" let (me|us) (leave|out|go)"
    r"|(breaking|kicking|kicked|smashing|smashed) (in |down )?(my|our|the) (front |back )?door"
    r"( in| down)\b"
    r"|(fear|scared|frightened|terrified|afraid) for (my|our|his|her|their) (\w+ )?(life|lives"
    r"|safety)"
    r"|(scared|afraid|frightened|terrified|worried) (that )?(hell|shell|theyll|(he|she|they)"
    r" (will|is going to|are going to|is gonna|are gonna))( actually| really)? (hurt|kill"
    r"|attack|stab|(actually|really) do it|do it this time)"
    r"|(i am|im|i feel|we are|we feel) (really |so |very |quite |totally |just |completely )?"
    r"(not|never|un) ?safe\b"
    r"|(i|we) (really )?(dont|do not|never|cant|cannot) feel safe\b"
    r"|(not|un) ?safe (in|at) (my|our) (own )?(home|house|flat)\b"
    r"|(its|this is|it is|an|real|genuine) emergency\b"
    rf"{_NOT_AN_EMERGENCY})"
    rf"|^emergency\b{_NOT_AN_EMERGENCY})"
    rf"|{_NOW}"
)


_PATTERNS = ((Risk.SELF_HARM, _SELF_HARM), (Risk.DANGER, _DANGER))


def risks_in(text: str) -> set[Risk]:
    """Every kind of risk the words suggest (words of both kinds: both)."""
    return set(_risks(simplify(text).replace("'", "")))


@functools.lru_cache(maxsize=256)
def _risks(words: str) -> frozenset[Risk]:
    # A turn asks about the same answer more than once (to decide, then to keep it with its
    # notice), and the patterns are long: about 60 microseconds for a short answer.
    return frozenset(risk for risk, pattern in _PATTERNS if pattern.search(words))


def risk_in(text: str) -> Risk | None:
    """The most serious risk the words suggest, or None."""
    found = risks_in(text)
    return next((risk for risk in Risk if risk in found), None)  # Risk lists the worst first
