"""The questionnaire: every question the dialog can ask, in asking order, as data.

This is the only place the order of questions is written down. `dialogs.journey` works out
from it (and the answers so far) what to ask next, what is missing, what to show on check your
answers and what `change <thing>` means. Field names and kinds are the API's (`expects.field`);
the wording is ours, in GOV.UK content style, and uses only GSM-7 characters so it is cheap by
SMS. Each question has channel-neutral wording (`ask`, `short`), and `typed`: the instruction a
channel without buttons adds ("Type yes or no.").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any

from dialogs import parsing
from dialogs.parsing import Choice
from dialogs.parsing import format_date
from dialogs.partnership import CANDIDATES
from dialogs.partnership import council_choices
from dialogs.vocabulary import EndReason
from dialogs.vocabulary import Kind

MAX_INCIDENTS = 30
"""The incident loop accepts this many incidents (the API promises at least 20)."""

INCIDENT_LOOP = "incident"
WHAT_A_REVIEW_IS = (
    "In a case review, the council, police, NHS and housing providers look at your case "
    "together and decide if more can be done. It is not a complaints procedure."
)
"""Said to a resident who asks what a case review is, at a yes or no question."""


@dataclass(frozen=True)
class Facts:
    """What a question's predicates may read: the answers, and the incident being asked about."""

    answers: dict[str, Any]
    incident: dict[str, Any] = field(default_factory=dict)
    index: int = 0
    community_route: bool = False
    incidents: int = 0
    reported_to_housing: bool = False

    def says(self, name: str, value: Any) -> bool:
        """True when the answer to `name` is `value`."""
        return bool(self.answers.get(name) == value)


Predicate = Callable[[Facts], bool]
Check = Callable[[Any, Facts], "str | None"]


def always(_: Facts) -> bool:
    """Asked of everyone."""
    return True


@dataclass(frozen=True)
class Question:
    """One question: its field and kind, wording, choices, and when it is asked."""

    field: str
    kind: Kind
    label: str
    """The row's name on check your answers."""
    ask: str
    short: str = ""
    """The whole question in fewer words, instructions included, for a text message that must
    also carry a re-prompt or help."""
    typed: str = ""
    """What to type, for channels without buttons (SMS, the terminal)."""
    hint: str = ""
    """One line under the question on pages with real controls."""
    help: str = ""
    choices: tuple[Choice, ...] = ()
    skip_words: tuple[str, ...] = ()
    optional: bool | Predicate = False
    ask_if: Predicate = always
    loop: str | None = None
    section: str | None = None
    """Where the answer shows on check your answers (None: not shown, cannot be changed)."""
    change_words: tuple[str, ...] = ()
    """What a resident may type after `change` to mean this question."""
    check: Check | None = None
    """A rule across answers (say, an incident before its report): the problem, if broken."""
    narrative: bool = False
    """Free text where words like "in danger" are part of the story, not a call for help."""
    ends_on: Any = None
    """An answer that ends the conversation (a refusal), with `ends_with` as the reason."""
    ends_with: EndReason | None = None
    unsure: str = ""
    """What to say to a resident who is not sure (a yes or no question)."""
    choices_from: Callable[[Facts], tuple[Choice, ...]] | None = None
    """Options that depend on the answers (the councils a postcode may be in)."""
    reads: Callable[[Question, str, dt.date], Any] | None = None
    """Its own way of reading an answer, instead of its kind's (victim consent)."""
    empty: str = "Please type your answer."
    """What to say to an empty answer to free text: a whole sentence, with how to skip."""

    def bind(self, facts: Facts) -> Question:
        """This question with its options for these answers (itself when they are fixed)."""
        if self.choices_from is None:
            return self
        return replace(self, choices=self.choices_from(facts))

    def is_optional(self, facts: Facts) -> bool:
        """True when this question may be skipped, given the other answers."""
        return self.optional(facts) if callable(self.optional) else self.optional

    def parse(self, text: str, today: dt.date) -> Any:
        """Read an answer of this question's kind; raise parsing.Invalid with what is wanted."""
        if self.kind != Kind.TEXT and len(text) > MAX_SHORT_ANSWER:
            # A date, a choice or a phone number is never this long; refusing it here bounds
            # what one answer can cost (10,000 characters took dateparser 340 ms).
            raise parsing.Invalid(
                "That is longer than this question needs. Please give a shorter answer."
            )
        return (self.reads or _PARSERS[self.kind])(self, text, today)

    def unclear_end(self) -> str:
        """What to say when an answer that would end the conversation is not clearly that."""
        if self.kind == Kind.YES_NO:
            return "I was not sure if that means yes or no. Please answer yes or no."
        return "I was not sure which answer you meant. Please choose one of the options."


MAX_SHORT_ANSWER = 300
"""The longest answer read for any question that is not free text."""


_PARSERS: dict[Kind, Callable[[Question, str, dt.date], Any]] = {
    Kind.YES_NO: lambda q, t, d: parsing.parse_yes_no(t, q.unsure),
    Kind.CHOICE: lambda q, t, d: parsing.parse_choice(t, q.choices),
    Kind.MULTI_CHOICE: lambda q, t, d: parsing.parse_multi_choice(t, q.choices),
    Kind.TEXT: lambda q, t, d: parsing.parse_text(t, empty=q.empty),
    Kind.POSTCODE: lambda q, t, d: parsing.parse_postcode(t),
    Kind.PHONE: lambda q, t, d: parsing.parse_phone(t),
    Kind.EMAIL: lambda q, t, d: parsing.parse_email(t),
    Kind.DATE: lambda q, t, d: parsing.parse_date(t, d),
    Kind.NUMBER: lambda q, t, d: parsing.parse_count(t),
}

ROLE_CHOICES = (
    Choice("victim", "I am the victim", ("victim", "me", "myself", "it's me", "its me", "mine")),
    Choice(
        "representative",
        "I am asking for someone else",
        ("someone else", "for someone else", "representative", "on behalf", "on their behalf",
         "family", "friend", "councillor", "mp", "other person", "somebody else", "my mum",
         "my dad", "my son", "my daughter", "my neighbour", "my partner", "my husband", "my wife",
         "mum", "dad", "son", "daughter", "neighbour", "for my mum", "for my dad"),
    ),
)  # fmt: skip
CONTACT_CHOICES = (
    Choice("phone", "Phone call", ("phone", "call", "ring", "telephone", "phone call", "calls")),
    Choice("sms", "Text message", ("sms", "text", "texts", "text message", "txt", "message")),
    Choice("email", "Email", ("email", "e-mail", "e mail", "mail", "emails")),
    Choice("letter", "Letter", ("letter", "letters", "post", "writing", "in writing", "by post")),
)
HATE_CHOICES = (
    Choice("race", "Race", ("race", "racist", "racism", "racial", "ethnicity", "nationality",
                            "black", "white", "asian", "colour", "color", "skin", "skin colour",
                            "polish", "foreign", "foreigner", "immigrant", "where im from",
                            "where i am from", "eastern european", "romanian", "pakistani",
                            "indian", "african", "chinese", "irish", "gypsy", "traveller",
                            "roma", "mixed race")),
    Choice("religion", "Religion or belief", ("religion", "religious", "faith", "belief",
                                              "muslim", "islam", "islamic", "islamophobic",
                                              "jewish", "jew", "antisemitic", "antisemitism",
                                              "christian", "sikh", "hindu", "mosque", "hijab",
                                              "headscarf", "turban")),
    Choice(
        "sexual_orientation",
        "Sexual orientation",
        ("sexual orientation", "sexuality", "gay", "lesbian", "bisexual", "homophobic", "lgb",
         "homophobia", "queer"),
    ),
    Choice("disability", "Disability", ("disability", "disabled", "disablist", "ableist",
                                        "autistic", "autism", "wheelchair", "learning disability",
                                        "learning disabilities", "special needs", "blind",
                                        "deaf", "adhd", "down syndrome", "downs syndrome")),
    Choice(
        "transgender_identity",
        "Transgender identity",
        ("transgender", "trans", "transphobic", "transgender identity", "gender identity",
         "non binary", "nonbinary", "non-binary"),
    ),
    # Gender is not one of the record's kinds of hate: something else, for staff to read.
    Choice("other", "Something else", ("other", "something else", "else", "gender", "my gender",
                                       "sexist", "sexism", "misogyny", "misogynist")),
)  # fmt: skip
AGENCY_CHOICES = (
    Choice(
        "council",
        "The council",
        ("council", "local authority", "la", "local council", "the local authority", "asb team",
         "councillor", "my councillor", "local councillor", "ward councillor", "cllr"),
    ),
    Choice("police", "The police", ("police", "the police", "101", "999", "officer", "pcso",
                                    "cops", "the cops", "coppers", "old bill")),
    Choice(
        "housing_provider",
        "Housing provider or social landlord",
        (
            "housing",
            "housing provider",
            "landlord",
            "social landlord",
            "housing association",
            "housing officer",
            "registered provider",
        ),
    ),
    Choice(
        "health",
        "The NHS or a GP",
        ("nhs", "health", "gp", "doctor", "hospital", "nurse", "health visitor", "icb",
         "mental health team", "health service"),
    ),
    # An MP is not the council, and not an agency that counts; nor is a counsellor.
    Choice("other", "Someone else", ("other", "someone else", "somebody else", "else", "mp",
                                     "my mp", "member of parliament", "counsellor",
                                     "neighbourhood watch", "neighborhood watch")),
)  # fmt: skip
UNDER_18_CHOICES = (
    Choice("yes", "Yes", ("yes", "y", "yeah", "they are", "under 18")),
    Choice("no", "No", ("no", "n", "nope", "they are not", "adult", "adults")),
    Choice(
        "not_sure",
        "Not sure",
        ("not sure", "unsure", "don't know", "dont know", "i don't know", "no idea", "maybe"),
    ),
)
YES_NO_CHOICES = (Choice("yes", "Yes"), Choice("no", "No"))
RELATIONSHIP_CHOICES = (
    Choice("family", "Family member", ("family", "relative", "parent", "son", "daughter", "mum",
                                       "dad", "partner", "husband", "wife", "sister", "brother",
                                       "mother", "father", "grandson", "granddaughter", "nan",
                                       "gran", "grandma", "grandad", "aunt", "uncle", "niece",
                                       "nephew", "cousin")),
    Choice("friend", "Friend", ("friend", "mate")),
    Choice("carer", "Carer", ("carer", "care worker", "i care for them")),
    Choice("councillor_or_mp", "Councillor or MP", ("councillor", "mp", "cllr",
                                                    "member of parliament")),
    Choice("support_worker", "Support worker", ("support worker", "key worker", "advocate",
                                                "social worker", "caseworker")),
    # A neighbour is not a friend: with no choice of their own, someone else.
    Choice("other", "Someone else", ("other", "something else", "else", "neighbour",
                                     "neighbor", "next door")),
)  # fmt: skip
VICTIM_CONSENT_CHOICES = (
    Choice("yes", "Yes, they agreed", ("yes", "y", "yeah", "they agreed", "they have", "agreed")),
    Choice("no", "No", ("no", "n", "they have not", "not yet", "they don't")),
    Choice(
        "cannot_consent",
        "They cannot agree",
        ("cannot", "can't", "they cannot", "they can't", "lacks capacity", "no capacity",
         "cannot consent", "cannot agree", "unable"),
    ),
)  # fmt: skip
SAFETY_CHOICES = (
    Choice("phone_call", "Phone calls", ("phone", "call", "calls", "phone call", "ring")),
    Choice("voicemail", "Voicemail", ("voicemail", "answerphone", "voicemail messages")),
    Choice("sms", "Texts", ("sms", "text", "texts", "text message", "text messages", "txt")),
    Choice("email", "Email", ("email", "e-mail", "e mail", "emails")),
    Choice("letter", "Letters", ("letter", "letters", "post")),
    Choice("none", "None is safe", ("none", "none of these", "nothing", "no way", "none is safe")),
)

_CAUSE = re.compile(
    r"\b((my|our|the) )?(neighbou?rs?|next door|(man|woman|lad|lads|kids|people|family|couple)"
    r" (next door|upstairs|downstairs|opposite|across the road))"
    r"( (is|are|who is|who are|thats|that is|that are))? (doing (it|this|that)|the (problem|cause"
    r"|one doing it|ones doing it)|causing (it|this|that|the problem|the trouble|trouble|problems"
    r"|all this|all of it)|responsible|to blame)\b"
)
"""A neighbour named as the one causing the problem: not the person asked for."""
_AROUND_CAUSE = re.compile(r"^((and|but|so|its|it is|well|yeah|basically|because|cos|cause)\b ?)+"
                           r"|( ?\b(and|but|so|its|it is))+$")  # fmt: skip


def _applicant_role(question: Question, text: str, today: dt.date) -> str:
    """Victim or representative; "its my neighbour doing it" names the cause, not the person
    asked for, so the resident is the victim unless the rest of the words say otherwise."""
    words = parsing.simplify(text).replace("'", "")
    if not _CAUSE.search(words):
        return parsing.parse_choice(text, question.choices)
    rest = _AROUND_CAUSE.sub("", _CAUSE.sub(" ", words).strip()).strip()
    if not rest:
        return "victim"
    return parsing.parse_choice(rest, question.choices)


_CANNOT_AGREE = re.compile(
    r"\b((cant|cannot|can not|unable to|not able to|isnt able to|is not able to|too ill to"
    r"|too unwell to|wont be able to|will not be able to) (agree|consent|understand|decide|say"
    r"|give|sign|communicate|speak|answer)|(isnt|is not|not|wont be|will not be) able to$"
    r"|(he|she|they|them) (cant|cannot|can not)\b|^(no )?(cant|cannot|can not)$"
    r"|dementia|alzheimer\w*|lacks? (the )?(mental )?capacity"
    r"|(no|not have|doesnt have|does not have|hasnt got|has not got|without|lost) (the )?(mental )?"
    r"capacity"
    r"|too (ill|unwell|poorly|sick)|in a coma|unconscious|brain injury|unable"
    r"|(doesnt|does not|dont|do not|cant|cannot) understand)"
)
"""Words that say the victim cannot agree (capacity), even when they start with no."""


_RELATION_FIRST = re.compile(
    r"^(its |it's |this is |for )?(my|our) (mum|mom|mother|dad|father|son|daughter|sister|brother"
    r"|partner|husband|wife|friend|mate|neighbour|neighbor|nan|gran|grandma|grandad|grandmother"
    r"|grandfather|aunt|auntie|uncle|cousin|niece|nephew|client|tenant)\b[ ,:;-]*"
    r"((is called|called|named|whose name is|her name is|his name is)\b[ ,:;-]*)?",
    re.IGNORECASE,
)


_NOT_A_NAME = frozenset({"no", "n", "nope", "nah", "x", "xx", "xxx", "none", "na", "n/a",
                         "skip", "nothing", "unknown", "yes", "why", "what", "not sure",
                         "dont know", "no idea", "dunno", "idk"})  # fmt: skip


def _victim_name(question: Question, text: str, today: dt.date) -> str:
    """The victim's name, without a relationship before it ("my mum Brenda": Brenda); "my mum"
    alone stays as typed. "no", "?" or "dont know" is not a name."""
    name = parsing.parse_text(text, empty=question.empty)
    words = parsing.simplify(name).replace("'", "")
    relation = _RELATION_FIRST.match(name)
    rest = name[relation.end() :].strip() if relation else ""
    if rest[:3].lower() == "is " and rest[3:4].isupper():  # "our neighbour is Mrs Patel"
        rest = rest[3:]
    not_a_name = sum(c.isalpha() for c in name) < 2 or words in _NOT_A_NAME
    if not_a_name or parsing.is_unknown(name) or _SAYS_SOMETHING.match(rest.lower()):
        raise parsing.Invalid(  # "my mum is ill" says something about her, not her name
            "Please type the name of the person you are asking for, for example Sam Jones. "
            "A first name is fine if that is all you know."
        )
    return rest or name


_SAYS_SOMETHING = re.compile(
    r"^(is|was|has|had|have|cant|can|cannot|does|doesnt|did|didnt|lives|who|and|she|he|they"
    r"|isnt|wont|will|would)\b"
)


def _victim_consent(question: Question, text: str, today: dt.date) -> str:
    """Yes, no, or they cannot agree: words of capacity first ("no he cant, he has dementia")."""
    if _CANNOT_AGREE.search(parsing.simplify(text).replace("'", "")):
        return "cannot_consent"
    if parsing.is_clear_no(text):  # "no, they have not agreed" names the yes too
        return "no"
    return parsing.parse_choice(text, question.choices)


_WAYS = {
    "phone_call": r"(call|calls|calling|ring|ringing|phone|phones|phoning|phone calls?)",
    "voicemail": r"(voicemails?|answerphone|answer phone|(leave|leaving) (a )?messages?)",
    "sms": r"(text|texts|texting|txt|txts|sms|text messages?)",
    "email": r"(email|emails|emailing|e-mails?|e mails?)",
    "letter": r"(letter|letters|post|posting|write|writing)",
}
_NEGATED = {
    way: re.compile(
        rf"\b(dont|do not|never|no|not|cant|cannot|can not|mustnt|must not|shouldnt|should not"
        rf"|stop|avoid|without)( \w+){{0,2}} {words}\b"
        rf"|\b{words} ((are|is|would be|will be) (not|never) |arent |isnt |wouldnt be |not "
        rf"|(would|will) (not|never) be |wont be "
        rf"|(are|is|would be|will be) un)safe\b"
    )
    for way, words in _WAYS.items()
}


_SOMEONE = (
    r"\b(he|she|they|hes|shes|theyre|someone|somebody|people|staff|my (ex|partner|husband|wife"
    r"|boyfriend|girlfriend|family|son|daughter|mum|dad|carer|landlord|neighbour|neighbours)|ex)"
)
_SEES = (
    r"(\w+ ){0,3}(opens?|opened|opening|reads?|reading|checks?|checked|checking|goes through"
    r"|go through|going through|went through|looks? (at|through)|looking (at|through)|sees?|saw"
    r"|listens? to|listening to|monitors?|monitoring|has access to|steals?|stole|hides?|hid"
    r"|gets? to|answers?|answering|tracks?|tracking)"
    r" (all |all of |everything on |everything in )?(my|our|the|her) "
)
_HELPING = r"(?! (for|to|with) (me|us|her|him)\b)"
"""Someone who reads the post to the resident, or checks their phone for them, is helping."""
_WATCHED = {
    way: re.compile(rf"{_SOMEONE} {_SEES}{words}\b{_HELPING}") for way, words in _WAYS.items()
}
"""Someone else who reads a way's messages makes it unsafe: "he opens my post"."""
_SHARED = {
    "email": re.compile(
        r"\b((knows|has|got) (my |our )?(email )?password|share (an? |the same |one "
        r"|our |my )?(email|e ?mail)|(shared|joint|same) (email|e ?mail))"
    ),
    "letter": re.compile(
        rf"{_SOMEONE} (\w+ ){{0,2}}gets? (to )?(the|my) (post|letters|mail) first"
        r"|gets? (the|my) (post|letters|mail) before me"
    ),
}
"""A shared account or a known password is as unsafe as someone reading it."""
_PHONE_WATCHED = re.compile(
    rf"{_SOMEONE} {_SEES}(phone|phones|mobile|mobiles)\b{_HELPING}"
    r"|\b(knows|has|got) my (phone )?(pin|passcode|password)"
)
"""Someone who checks the resident's phone sees texts, voicemails and calls."""


def ways_said_unsafe(text: str | None) -> set[str]:
    """The safe-contact choices (sms, phone_call ...) the words say are not safe to use: "please
    dont text", "texts are not safe", "no letters", "he opens my post", "he checks my phone".
    Read cautiously: "dont ring after 6pm" counts phone calls too, so a way is never used, or
    named, on a guess."""
    if not text:
        return set()
    words = re.sub(r"\b(dont|do not) mind\b", "", parsing.simplify(text).replace("'", ""))
    unsafe = {way for way, negated in _NEGATED.items() if negated.search(words)}
    if _FINE.search(words):  # "my husband answers the phone, thats fine"
        return unsafe
    unsafe |= {way for way, watched in _WATCHED.items() if _said(watched, words)}
    unsafe |= {way for way, shared in _SHARED.items() if _said(shared, words)}
    if _said(_PHONE_WATCHED, words):
        unsafe |= {"sms", "voicemail", "phone_call"}
    return unsafe


_FINE = re.compile(r"\b(thats|that is|its|it is|which is) (fine|ok|okay|alright|no problem)\b")
_NO_LONGER = re.compile(r"^ ?(but )?(not now|not any ?more|no more|any ?more)\b")
_NOT_SO = re.compile(
    r"\b(doesnt|does not|dont|do not|didnt|did not|never|no longer|used to|wont|cant|cannot"
    r"|not any ?more|not now)\b"
)


def _said(pattern: re.Pattern[str], words: str) -> bool:
    """True when the words say it, not that it does not happen ("he doesnt read my texts")."""
    for found in pattern.finditer(words):
        before, after = words[max(0, found.start() - 12) : found.end()], words[found.end() :]
        if not _NOT_SO.search(before) and not _NO_LONGER.match(after):
            return True
    return False


def _contact_safety(question: Question, text: str, today: dt.date) -> list[str]:
    """The ways that are safe; words saying a way is not safe are never read as choosing it."""
    if ways_said_unsafe(text):
        raise parsing.Invalid(
            "Thank you for telling us. We will not use a way you say is not safe. Now choose "
            "only the ways that are safe. If no way is safe, choose None is safe."
        )
    return parsing.parse_multi_choice(text, question.choices)


_JUST_YES = re.compile(
    r"^(yes|yeah|yep|yup|ye|y|aye|i did|i do|i have|i got one|got one|they did|correct)"
    r"( (i did|i do|i have|i have one|i got one|got one|i think so|they did|they gave me one"
    r"|please|thanks))*$"
)


def _hate_categories(question: Question, text: str, today: dt.date) -> list[str] | None:
    """What the hate is about; "not sure" is an answer (none chosen), for staff to ask about."""
    if parsing.is_unknown(text) or parsing.simplify(text) in _UNSURE_WORDS:
        return None
    return parsing.parse_multi_choice(text, question.choices)


_NOT_REPORTED = re.compile(
    r"^(no|nope|nah|none|nobody|no one|noone|no body|not anyone|nothing|not yet|never|not"
    r"|(i|we) (didnt|did not|havent|have not|never)( yet)?)$"
    r"|\b(didnt|did not|never|havent|have not|hadnt|had not|wasnt|was not|werent|were not|not"
    r"|nobody|no one)( \w+){0,2} report(ed|ing)?\b"
)
"""Words that say an incident was not reported ("didnt report that one", "nobody")."""
NOT_REPORTED = (
    "Only reported incidents count. If this was not, type back and tell us about one that was. "
    "If none was, report it first: call 101."
)
"""Short enough to go by text with the question and its options (the record needs an agency:
the schema's `reported_to` has at least one)."""


def _reported_to(question: Question, text: str, today: dt.date) -> list[str]:
    """Who an incident was reported to; "nobody" is explained, since an unreported incident
    does not count towards a review (and the record needs at least one agency)."""
    try:
        return parsing.parse_multi_choice(text, question.choices)
    except parsing.Invalid:
        if _NOT_REPORTED.search(parsing.simplify(text).replace("'", "")):
            raise parsing.Invalid(NOT_REPORTED) from None
        raise


_NO_ADULTS = re.compile(
    r"\b(no|not any|none of them are|none are|there are no|there arent any) (grown ups|adults?)\b"
    r"|\b(theyre|they are|theyre all|they are all|all) (kids|children|teenagers|teens)\b"
)
"""No adults among them: all children."""
_NOT_CHILDREN = re.compile(
    r"\b(not|no|arent|are not|isnt|is not|none of them are|none are) (\w+ )?(kids|children"
    r"|child|teenagers?|teens|under 18|young)\b"
)
_CHILDREN = re.compile(
    r"\b(teenagers?|teens?|kids|children|child|youths?|young people|youngsters|minors"
    r"|school ?kids|some (are|of them|might be)|a few (are|of them)|one of them|one is"
    r"|(hes|shes|theyre|they are|he is|she is|is|are|aged|like)"
    r" (about |around |only |just |maybe |like )?(1[0-7]|[4-9])(?! (of|men|women|people|adults"
    r"|lads|guys|blokes))"
    r"|(1[0-7]|[4-9]) ?(years? old|yrs? old|yo))\b"
)
"""Words that say someone responsible is a child: "teenagers", "some are", "hes about 16"."""
_AGE_OF = (
    r"(?:hes|shes|theyre|he is|she is|they are|one is|one of them is|the other is|the others are"
    r"|(?:the )?(?:eldest|oldest|youngest) is"
    r"|(?:kids|children|sons?|daughters?|boys|girls|lads) (?:are|is))"
)
_AGES = re.compile(
    rf"\b{_AGE_OF} (?:about |around |only |just |maybe |like )?(\d{{1,2}})(?: and (\d{{1,2}}))?\b"
    r"(?! (?:foot|feet|ft|inch|stone|of|men|women|people|adults|lads|guys|blokes|months?|weeks?"
    r"|days?|doors?))|\baged? (\d{1,2})\b|\b(\d{1,2}) ?(?:years? old|yrs? old|yo|year olds?)\b"
    r"|^(\d{1,2})(?:,? and |, )(\d{1,2})$"
)
"""Ages given ("one is 15 and one is 30"), never counts ("there are 2", "no he is 6 foot")."""
_NOT_INVOLVED = re.compile(
    r"\b(kids|children|teenagers|teens) (arent|are not|werent|were not) (involved|responsible"
    r"|the problem|to blame)|\bits the (parents|adults|grown ups|dad|mum)\b"
)
_UNSURE_AGE = re.compile(
    r"^(dunno|idk|dno|not certain|cant tell|could be|possibly|might be|no idea|not a clue"
    r"|no clue|(i )?(dont|do not|cant|cannot) (know|say|tell)|not sure)\b"
)


def _under_18(question: Question, text: str, today: dt.date) -> str:
    """Yes, no or not sure; "no adults" is yes (all children), and "teenagers", "some are" or
    "hes about 16" are yes too."""
    words = parsing.simplify(text).replace("'", "")
    # On the text as typed: "No, adults" is a no, "no adults" (all children) a yes.
    if _NO_ADULTS.search(text.lower().replace("'", "")):
        return "yes"
    if _UNSURE_AGE.match(words):
        return "not_sure"
    if re.match(r"^(no|nope|nah|not)\b", words) or _NOT_INVOLVED.search(words):
        return "no"  # "no there are 2", "no he is 6 foot", "kids arent involved"
    ages = [int(age) for found in _AGES.findall(words) for age in found if age]
    if ages:  # "his kids are 20 and 22" is a no, "one is 15 and one is 30" a yes
        return "yes" if min(ages) < 18 else "no"
    if _NOT_CHILDREN.search(words):
        return "no"  # "theyre not kids", "none of them are under 18"
    try:
        return parsing.parse_choice(text, question.choices)
    except parsing.Invalid:
        if _CHILDREN.search(words):
            return "yes"
        raise


_UNSURE_WORDS = frozenset({"not sure", "unsure", "dont know", "don't know", "no idea", "dunno",
                           "idk", "maybe", "not really sure", "im not sure", "i'm not sure",
                           "i dont know", "i don't know", "not certain"})  # fmt: skip


_NO_REFERENCE = re.compile(
    r"^((no|nope|nah|n/a|na) )?((i|they|we|he|she) )?((have|has|had|did|do|does|was|were) )?"
    r"(not|never|didnt|dont|doesnt|havent|hasnt|hadnt|wasnt|werent) (ever )?(got|get|give|gave"
    r"|given|have|had|been given|receive|received|issue|issued|provide|provided|offer|offered)"
    r"( (me|us))?( (one|any|it|a (reference|ref|crime)( number)?|a number))?"
    r"( (to hand|with me|on me|now|at the moment|yet|ever|sorry))*$"
)
"""No reference in other words ("not got one", "they never gave me one")."""
_NO_REF_SHORT = re.compile(
    r"^(no|none|not|nope|nah|n/a|na) ?(ref|refs|reference|reference number|crime number|number"
    r"|one|given|issued|provided|received)( given| issued| yet| sorry)?$|^none given$"
)
"""Short ways to say there is none: "no ref", "none given"."""
_SAME_AS = re.compile(
    r"^((its|it is|the|its the) )?(same|ditto|as before|as above)( (one|number|reference|ref))?"
    r"( (as|as the) (before|above|last time|last one|the last one|the other one|the others"
    r"|incident \d+))?$"
)
"""A number given as "the same as before", which staff cannot look up."""


def _reference(question: Question, text: str, today: dt.date) -> str | None:
    """A reference or crime number: "yes" or "same as before" is not one, so ask for the number
    itself; a clear no, "not got one" or "not sure" is none given."""
    words = parsing.simplify(text).replace("'", "")
    if parsing.is_clear_no(text) or parsing.is_unknown(text) or _NO_REFERENCE.match(words) \
            or _NO_REF_SHORT.match(words):  # fmt: skip
        return None
    if words in question.skip_words or parsing.simplify(text) in question.skip_words:
        return None  # "n/a" is never a reference, on any channel
    if _JUST_YES.match(words) or _SAME_AS.match(words):
        raise parsing.Invalid(
            "Thank you. Please type the number itself. If you do not have it to hand, type no."
        )
    return parsing.parse_text(text, empty=question.empty)


_MIGHT_BE_HATE = (
    "If you think it might be, answer yes. The team will talk it through with you. "
    "If you think it is not, answer no."
)
_SKIP = ("skip", "none", "no", "n/a", "na", "nothing", "not applicable", "no thanks", "nope")
_NO_IDEA = ("not sure", "don't know", "dont know")
YOUR_DETAILS, ABOUT_PROBLEM = "Your details", "About the problem"
AFTER_INCIDENTS = "What has been done, and the impact"
"""Check-your-answers sections: before the incidents, then after them (each heading once)."""


def _representative(facts: Facts) -> bool:
    return facts.says("applicant_role", "representative")


def _hate(facts: Facts) -> bool:
    return facts.answers.get("hate_motivated") is True


_SAFE_WAY = {"phone": "phone_call", "sms": "sms", "email": "email", "letter": "letter"}
_BY = {"phone": "phone", "sms": "text", "email": "email", "letter": "letter"}


def _safe_ways(value: Any, facts: Facts) -> str | None:
    """The ways that are safe must be a real list: "none" alone, and the chosen way among them."""
    if "none" in value and len(value) > 1:
        return "You chose none and some ways. Choose the ways that are safe, or only none."
    preference = facts.answers.get("contact_preference")
    if value != ["none"] and preference in _SAFE_WAY and _SAFE_WAY[preference] not in value:
        return (
            f"You asked us to contact you by {_BY[preference]}, but did not choose it as safe. "
            "Choose every way that is safe, or go back to choose another way to contact you."
        )
    return None


def _contact_works(value: Any, facts: Facts) -> str | None:
    """The chosen way to contact must have the details it needs."""
    phone = str(facts.answers.get("phone") or "")
    if value in {"phone", "sms"} and not phone:
        return "You did not give a phone number. Choose another way, or go back to add it."
    if value == "sms" and not parsing.can_text(phone):
        return (
            f"We cannot send texts to {parsing.format_phone(phone)}, because it is not a mobile "
            "number. Choose another way, or go back to give a mobile number."
        )
    if value == "email" and not facts.answers.get("email"):
        return "You did not give an email address. Choose another way, or go back to add it."
    return None


def _textable(value: Any, facts: Facts) -> str | None:
    """A number changed after choosing texts must still get them."""
    if value and facts.says("contact_preference", "sms") and not parsing.can_text(value):
        return (
            "You asked us to contact you by text, but we cannot send texts to this number "
            "because it is not a mobile. Give a mobile number, or change how to contact you."
        )
    return None


def _after_incident(value: Any, facts: Facts) -> str | None:
    """An incident never happens after its first report."""
    reported = facts.incident.get("report_date")
    # Only exact dates are compared: an approximate one is checked by staff.
    if isinstance(value, str) and isinstance(reported, str) and value > reported:
        return (
            "The incident cannot be after you first reported it, on "
            f"{format_date(dt.date.fromisoformat(reported))}. Check the date and try again."
        )
    return None


def _before_report(value: Any, facts: Facts) -> str | None:
    """A report never comes before the incident it is about."""
    happened = facts.incident.get("incident_date")
    if isinstance(value, str) and isinstance(happened, str) and value < happened:
        return (
            "You cannot have reported it before it happened, on "
            f"{format_date(dt.date.fromisoformat(happened))}. Check the date and try again, "
            "or say not sure."
        )
    return None


def _council_unsettled(facts: Facts) -> bool:
    """In a partnership, when the postcode left more than one council possible."""
    return bool(facts.answers.get(CANDIDATES))


def _council_options(facts: Facts) -> tuple[Choice, ...]:
    return council_choices(facts.answers)


def _one_of_candidates(value: Any, facts: Facts) -> str | None:
    """A council chosen for an earlier postcode must still be one the new postcode may be in."""
    if value not in {c.value for c in council_choices(facts.answers)}:
        return "Choose the council area you live in."
    return None


QUESTIONS: tuple[Question, ...] = (
    Question(
        "consent",
        Kind.YES_NO,
        "Agree to share your details",
        "We will share what you tell us with the council, police, NHS and housing providers so "
        "they can review your case together. We cannot do a review anonymously. Do you agree?",
        short="We share your answers with the agencies. Do you agree? Type yes or no.",
        typed="Type yes or no.",
        # Whether the person causing it is told is each team's to explain (domain.md is silent).
        help="Only people working on the review see your details. Worried the person causing "
        "it will find out? Tell the team.",
        choices=YES_NO_CHOICES,
        ends_on=False,
        ends_with=EndReason.NO_CONSENT,
    ),
    Question(
        "applicant_role",
        Kind.CHOICE,
        "Who is asking",
        "Are you the victim, or are you asking for someone else?",
        short="Who is asking?",
        help="You can ask for a review for yourself, or for someone else if they agree, for "
        "example as a family member, friend, councillor or MP.",
        choices=ROLE_CHOICES,
        reads=_applicant_role,
        section=YOUR_DETAILS,
        change_words=("role", "who is asking", "victim or someone else", "who"),
    ),
    Question(
        "victim_name",
        Kind.TEXT,
        "Victim's name",
        "What is the full name of the person you are asking for?",
        empty="Please type the full name of the person you are asking for.",
        reads=_victim_name,
        ask_if=_representative,
        section=YOUR_DETAILS,
        change_words=("victim name", "victim's name", "their name", "victims name"),
    ),
    Question(
        "relationship",
        Kind.CHOICE,
        "Your relationship to them",
        "How do you know {victim}?",
        choices=RELATIONSHIP_CHOICES,
        ask_if=_representative,
        section=YOUR_DETAILS,
        change_words=("relationship", "how i know them", "who i am to them"),
    ),
    Question(
        "victim_consent",
        Kind.CHOICE,
        "Victim agreed",
        "Has {victim} agreed to you asking for this review for them?",
        short="Has {victim} agreed to this?",
        help="We need their agreement. If they cannot agree, for example they lack capacity, you "
        "can still ask and the team will decide.",
        choices=VICTIM_CONSENT_CHOICES,
        reads=_victim_consent,
        ask_if=_representative,
        section=YOUR_DETAILS,
        change_words=("victim agreed", "victim consent", "their agreement", "agreement"),
        ends_on="no",
        ends_with=EndReason.NO_VICTIM_CONSENT,
    ),
    Question(
        "victim_contact",
        Kind.TEXT,
        "How to reach them",
        "How can the team reach {victim}, if not through you? For example a phone number or "
        "address.",
        empty="Please tell us how the team can reach them. If it is through you, type skip.",
        short="How can the team reach {victim}, if not through you? Type skip if through you.",
        typed="Type skip if through you.",
        optional=True,
        skip_words=(*_SKIP, "through me", "me", "via me", "contact me"),
        ask_if=_representative,
        narrative=True,
        section=YOUR_DETAILS,
        change_words=("victim contact", "their contact", "how to reach them", "reach them"),
    ),
    Question(
        "name",
        Kind.TEXT,
        "Your name",
        "What is your full name?",
        empty="Please type your full name.",
        section=YOUR_DETAILS,
        change_words=("name", "my name", "your name", "full name"),
    ),
    Question(
        "address",
        Kind.TEXT,
        "Address",
        "What is your address? You will give the postcode next.",
        empty="Please type your address.",
        help="We need your address to pass your request to the right team.",
        section=YOUR_DETAILS,
        change_words=("address", "my address", "home address"),
    ),
    Question(
        "postcode",
        Kind.POSTCODE,
        "Postcode",
        "What is your postcode?",
        section=YOUR_DETAILS,
        change_words=("postcode", "post code", "postal code"),
    ),
    Question(
        "council",
        Kind.CHOICE,
        "Council area",
        "Your postcode could be in more than one council area. Which council area do you live in?",
        short="Which council area do you live in?",
        help="Each council looks at case reviews for the people who live in its area. If you "
        "are not sure, choose the council you pay council tax to.",
        choices_from=_council_options,
        ask_if=_council_unsettled,
        check=_one_of_candidates,
        section=YOUR_DETAILS,
        change_words=("council", "council area", "my council", "area"),
    ),
    Question(
        "phone",
        Kind.PHONE,
        "Phone",
        "What is your phone number?",
        typed="Type skip if you would rather give an email address.",
        hint="You can skip this if you would rather give an email address.",
        # Skippable until an email address is known to be missing too.
        optional=lambda f: "email" not in f.answers or bool(f.answers.get("email")),
        skip_words=(*_SKIP, "i don't have one", "dont have one", "no phone"),
        check=_textable,
        section=YOUR_DETAILS,
        change_words=("phone", "phone number", "number", "mobile", "telephone", "mobile number"),
    ),
    Question(
        "email",
        Kind.EMAIL,
        "Email",
        "What is your email address?",
        typed="Type skip if you do not want to give one.",
        optional=lambda f: bool(f.answers.get("phone")),
        skip_words=(*_SKIP, "i don't have one", "dont have one", "no email"),
        section=YOUR_DETAILS,
        change_words=("email", "email address", "e-mail", "e mail"),
    ),
    Question(
        "contact_preference",
        Kind.CHOICE,
        "How to contact you",
        "How should the team contact you?",
        choices=CONTACT_CHOICES,
        check=_contact_works,
        section=YOUR_DETAILS,
        change_words=(
            "contact",
            "how to contact",
            "contact preference",
            "contact method",
            "how to contact you",
            "preference",
        ),
    ),
    Question(
        "contact_safety",
        Kind.MULTI_CHOICE,
        "Safe ways to contact you",
        "Which of these ways are safe for the team to use? Choose all that are safe.",
        short="Which ways are safe to contact you? Choose all that are, eg 1, 4.",
        typed="For example, type 1, 4.",
        help="We only use the ways you say are safe.",
        choices=SAFETY_CHOICES,
        reads=_contact_safety,
        check=_safe_ways,
        section=YOUR_DETAILS,
        change_words=("contact safety", "safe ways", "safe ways to contact me", "safety"),
    ),
    Question(
        "safe_contact",
        Kind.TEXT,
        "Contacting you safely",
        "Is there anything we must know to contact you safely? For example, times to avoid or "
        "not to leave messages.",
        empty="Please tell us anything we must know to contact you safely. If there is nothing, "
        "type no.",
        short="Anything we must know to contact you safely? Type no if not.",
        typed="Type no if not.",
        optional=True,
        skip_words=_SKIP,
        narrative=True,
        section=YOUR_DETAILS,
        change_words=("safe contact", "safely", "contacting you safely", "safe"),
    ),
    Question(
        "support_needs",
        Kind.TEXT,
        "Help to take part",
        "Do you need any help to take part? For example an interpreter, large print, someone "
        "with you, or a meeting place you can get to.",
        empty="Please tell us what help you need to take part. If you do not need any, type no.",
        short="Do you need any help to take part, like an interpreter? Type no if not.",
        typed="Type no if not.",
        optional=True,
        skip_words=_SKIP,
        narrative=True,
        section=YOUR_DETAILS,
        change_words=("support", "support needs", "help to take part", "interpreter"),
    ),
    Question(
        "location",
        Kind.TEXT,
        "Where it happens",
        "Where does the behaviour happen? For example a street, a block of flats or a park.",
        empty="Please tell us where the behaviour happens, for example a street or a park.",
        short="Where does it happen? For example a street, block or park.",
        narrative=True,
        section=ABOUT_PROBLEM,
        change_words=("location", "where", "where it happens", "place"),
    ),
    Question(
        "perpetrators",
        Kind.TEXT,
        "Who is causing it",
        "Do you know who is causing it? Tell us what you know, for example a name, an address "
        "or a description.",
        empty="Please tell us what you know about who is causing it. If you do not know, type no.",
        short="Do you know who is causing it? Type no if not.",
        typed="Type no if you do not know.",
        optional=True,
        skip_words=(*_SKIP, *_NO_IDEA, "no idea", "unknown"),
        narrative=True,
        section=ABOUT_PROBLEM,
        change_words=("perpetrators", "who is causing it", "who", "culprits", "them"),
    ),
    Question(
        "hate_motivated",
        Kind.YES_NO,
        "Hate crime or hate incident",
        "Do you think the behaviour is because of who {you_are}? For example {your} race, "
        "religion, sexuality, disability or gender identity.",
        short="Is it because of who {you_are}? Type yes or no.",
        typed="Type yes or no.",
        help="This is called a hate incident or hate crime. It can change how your request is "
        "looked at.",
        unsure=_MIGHT_BE_HATE,
        choices=YES_NO_CHOICES,
        section=ABOUT_PROBLEM,
        change_words=("hate", "hate crime", "hate incident", "because of who i am"),
    ),
    Question(
        "hate_categories",
        Kind.MULTI_CHOICE,
        "Type of hate",
        "What do you think it is about? You can choose more than one.",
        short="What is it about? Choose one or more, eg 1, 3.",
        typed="For example, type 1, 3.",
        choices=HATE_CHOICES,
        reads=_hate_categories,
        ask_if=_hate,
        section=ABOUT_PROBLEM,
        change_words=("type of hate", "hate type", "hate categories", "what it is about"),
    ),
    Question(
        "incident_date",
        Kind.DATE,
        "Date it happened",
        "Incident {n}: when did it happen?",
        short="Incident {n}: when did it happen? Or type not sure.",
        typed="For example 14/03/2026, 2 weeks ago or last Friday. Type not sure if you do not "
        "know.",
        hint="For example 14/03/2026, 2 weeks ago or last Friday. If you do not know, "
        "say not sure.",
        help="Give the date of one incident. You can tell me about more incidents after this one.",
        loop=INCIDENT_LOOP,
        section="Incident",
        check=_after_incident,
        change_words=(
            "date",
            "incident date",
            "date it happened",
            "when",
            "when it happened",
            "happened",
        ),
    ),
    Question(
        "incident_description",
        Kind.TEXT,
        "What happened",
        "Incident {n}: what happened? Tell us in a few sentences.",
        empty="Please tell us what happened, in a few sentences.",
        loop=INCIDENT_LOOP,
        section="Incident",
        narrative=True,
        change_words=("description", "what happened", "details", "story", "text"),
    ),
    Question(
        "incident_hate",
        Kind.YES_NO,
        "Hate incident",
        "Incident {n}: was this incident because of who {you_are}?",
        typed="Type yes or no.",
        help="For example because of race, religion, sexuality, disability or gender identity. "
        "If you think it might be, answer yes.",
        unsure=_MIGHT_BE_HATE,
        choices=YES_NO_CHOICES,
        ask_if=_hate,
        loop=INCIDENT_LOOP,
        section="Incident",
        change_words=("hate", "because of who i am", "hate incident", "incident hate"),
    ),
    Question(
        "reported_to",
        Kind.MULTI_CHOICE,
        "Reported to",
        "Incident {n}: who did you report it to? You can choose more than one.",
        short="Incident {n}: who did you report it to? Choose one or more.",
        typed="For example, type 1, 2.",
        choices=AGENCY_CHOICES,
        reads=_reported_to,
        loop=INCIDENT_LOOP,
        section="Incident",
        change_words=("reported to", "who", "agencies", "agency", "who i reported it to"),
    ),
    Question(
        "report_date",
        Kind.DATE,
        "Date reported",
        "Incident {n}: when did you first report it?",
        typed="Type not sure if you do not know.",
        hint="For example 14/03/2026 or 2 weeks ago. If you do not know, say not sure.",
        loop=INCIDENT_LOOP,
        section="Incident",
        check=_before_report,
        change_words=(
            "report date",
            "date reported",
            "reported on",
            "when reported",
            "when i reported it",
            "report",
            "reported date",
        ),
    ),
    Question(
        "report_reference",
        Kind.TEXT,
        "Reference number",
        "Incident {n}: did you get a reference or crime number?",
        empty="Please type the reference or crime number. If you did not get one, type no.",
        typed="Type it, or type no.",
        hint="You can skip this if you did not get one.",
        optional=True,
        reads=_reference,
        loop=INCIDENT_LOOP,
        section="Incident",
        skip_words=(
            *_SKIP,
            "don't have one",
            "dont have one",
            "i don't have one",
            *_NO_IDEA,
            "can't remember",
        ),
        change_words=("reference", "reference number", "crime number", "ref", "number"),
    ),
    Question(
        "another_incident",
        Kind.YES_NO,
        "Another incident",
        "Do you want to tell us about another incident?",
        typed="Type yes or no.",
        help="Tell us about each incident you reported, up to {max} incidents.",
        choices=YES_NO_CHOICES,
        loop=INCIDENT_LOOP,
        ask_if=lambda f: f.index + 1 < MAX_INCIDENTS,
    ),
    Question(
        "housing_provider",
        Kind.TEXT,
        "Housing provider",
        "You reported it to a housing provider. Which one? For example the name of the housing "
        "association.",
        empty="Please type the name of the housing provider. If you are not sure, type skip.",
        short="Which housing provider did you report it to? Type skip if not sure.",
        typed="Type skip if you are not sure.",
        optional=True,
        skip_words=(*_SKIP, *_NO_IDEA),
        ask_if=lambda f: f.reported_to_housing,
        section=AFTER_INCIDENTS,
        change_words=("housing provider", "landlord", "housing association"),
    ),
    Question(
        "other_reporters",
        Kind.NUMBER,
        "Other people who reported it",
        "How many other people have complained about this kind of behaviour in the last "
        "{window}, that you know of?",
        short="How many other people have complained? Type a number, or skip.",
        typed="Type a number, or skip.",
        optional=True,
        ask_if=lambda f: f.community_route,
        section=AFTER_INCIDENTS,
        skip_words=("skip", "not sure", "don't know", "dont know", "no idea", "unsure"),
        change_words=(
            "other people",
            "others",
            "other reporters",
            "how many people",
            "other people who reported it",
        ),
    ),
    Question(
        "agency_response",
        Kind.TEXT,
        "What the agencies have done",
        "What have the council, police or others done so far, and why is it not enough?",
        empty="Please tell us what the agencies have done so far. If you prefer not to say, "
        "type skip.",
        short="What have the agencies done so far, and why is it not enough? Or type skip.",
        typed="Type skip if you prefer not to say.",
        optional=True,
        skip_words=_SKIP,
        narrative=True,
        section=AFTER_INCIDENTS,
        change_words=(
            "agency response",
            "what the agencies did",
            "what they have done",
            "response",
        ),
    ),
    Question(
        "impact",
        Kind.TEXT,
        "Impact on you",
        "How is this affecting {you} or {your} household? Include any health needs or anything "
        "that makes {you} more vulnerable.",
        empty="Please tell us how this is affecting you. If you prefer not to say, type skip.",
        short="How is this affecting {you}? Type skip if you prefer not to say.",
        typed="Type skip if you prefer not to say.",
        optional=True,
        skip_words=_SKIP,
        narrative=True,
        section=AFTER_INCIDENTS,
        change_words=("impact", "effect", "how it affects me", "vulnerability", "health"),
    ),
    Question(
        "perpetrator_under_18",
        Kind.CHOICE,
        "Anyone responsible under 18",
        "Are any of the people causing the problem under 18?",
        optional=True,
        choices=UNDER_18_CHOICES,
        reads=_under_18,
        skip_words=("skip",),
        section=AFTER_INCIDENTS,
        change_words=(
            "under 18",
            "age",
            "ages",
            "children",
            "young people",
            "anyone responsible under 18",
        ),
    ),
    Question(
        "desired_outcome",
        Kind.TEXT,
        "What you would like to happen",
        "What would you like to happen?",
        empty="Please tell us what you would like to happen. If you are not sure, type skip.",
        typed="Type skip if you are not sure.",
        optional=True,
        skip_words=(*_SKIP, *_NO_IDEA),
        narrative=True,
        section=AFTER_INCIDENTS,
        change_words=(
            "outcome",
            "what i want",
            "what you want",
            "what should happen",
            "what you would like to happen",
            "what i would like to happen",
        ),
    ),
)

BY_FIELD: dict[str, Question] = {q.field: q for q in QUESTIONS}
CONFIRM = "confirm"
"""The `expects.field` of check your answers, which is not a question of its own."""
