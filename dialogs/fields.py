"""The questions the dialog asks: kind, wording, choices and how each answer is read.

The field names and kinds are fixed by the contract (section 4); the wording is ours and
follows GOV.UK content style. Every prompt uses only GSM-7 characters so it is cheap by SMS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from dialogs import parsing
from dialogs.parsing import Choice

ROLE_CHOICES = (
    Choice("victim", "I am the victim", ("victim", "me", "myself", "it's me", "its me", "mine")),
    Choice(
        "representative",
        "I am asking for someone else",
        ("someone else", "for someone else", "representative", "on behalf", "on their behalf",
         "family", "friend", "councillor", "mp", "other person", "somebody else"),
    ),
)  # fmt: skip
CONTACT_CHOICES = (
    Choice("phone", "Phone call", ("phone", "call", "ring", "telephone", "phone call", "calls")),
    Choice("sms", "Text message", ("sms", "text", "texts", "text message", "txt", "message")),
    Choice("email", "Email", ("email", "e-mail", "e mail", "mail")),
    Choice("letter", "Letter", ("letter", "post", "writing", "in writing", "by post")),
)
HATE_CHOICES = (
    Choice("race", "Race", ("race", "racist", "racism", "racial", "ethnicity", "nationality")),
    Choice("religion", "Religion or belief", ("religion", "religious", "faith", "belief")),
    Choice(
        "sexual_orientation",
        "Sexual orientation",
        ("sexual orientation", "sexuality", "gay", "lesbian", "bisexual", "homophobic", "lgb"),
    ),
    Choice("disability", "Disability", ("disability", "disabled", "disablist", "ableist")),
    Choice(
        "transgender_identity",
        "Transgender identity",
        ("transgender", "trans", "transphobic", "transgender identity", "gender identity"),
    ),
    Choice("other", "Something else", ("other", "something else", "else")),
)
AGENCY_CHOICES = (
    Choice(
        "council",
        "The council",
        ("council", "local authority", "la", "local council", "the local authority", "asb team"),
    ),
    Choice("police", "The police", ("police", "the police", "101", "999", "officer", "pcso")),
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
    Choice("other", "Someone else", ("other", "someone else", "somebody else", "else")),
)
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


@dataclass(frozen=True)
class Field:
    """One question: its contract name and kind, wording, and how to read an answer."""

    name: str
    kind: str
    label: str
    prompt: str
    optional: bool = False
    choices: tuple[Choice, ...] = ()
    skip_words: tuple[str, ...] = ()
    hint: str = ""
    help: str = ""
    short: str = ""
    """A shorter prompt for a text message that must also carry a re-prompt or help."""
    per_incident: bool = field(default=False)

    def parse(self, text: str, today: dt.date) -> Any:
        """Read an answer of this field's kind; raise parsing.Invalid with what is wanted."""
        return _PARSERS[self.kind](self, text, today)


def _text(f: Field, text: str, today: dt.date) -> Any:
    return parsing.parse_text(text, what=f.label.lower())


_PARSERS: dict[str, Callable[[Field, str, dt.date], Any]] = {
    "yes_no": lambda f, t, d: parsing.parse_yes_no(t),
    "choice": lambda f, t, d: parsing.parse_choice(t, f.choices),
    "multi_choice": lambda f, t, d: parsing.parse_multi_choice(t, f.choices),
    "text": _text,
    "postcode": lambda f, t, d: parsing.parse_postcode(t),
    "phone": lambda f, t, d: parsing.parse_phone(t),
    "email": lambda f, t, d: parsing.parse_email(t),
    "date": lambda f, t, d: parsing.parse_date(t, d),
    "number": lambda f, t, d: parsing.parse_count(t),
}

_SKIP = ("skip", "none", "no", "n/a", "na", "nothing", "not applicable", "no thanks", "nope")

FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field(
            "consent",
            "yes_no",
            "Agree to share your details",
            "We will share what you tell us with the council, police, NHS and housing providers "
            "so they can review your case together. We cannot do a review anonymously. "
            "Do you agree? Type yes or no.",
            choices=YES_NO_CHOICES,
            short="We share your answers with the agencies. Do you agree? Type yes or no.",
            help="The agencies need to know who you are to look at your case. "
            "Only people working on the review will see your details.",
        ),
        Field(
            "applicant_role",
            "choice",
            "Who is asking",
            "Are you the victim, or are you asking for someone else?",
            short="Who is asking?",
            choices=ROLE_CHOICES,
            help="You can ask for a review for yourself, or for someone else if they agree, "
            "for example as a family member, friend, councillor or MP.",
        ),
        Field(
            "victim_name",
            "text",
            "Victim's name",
            "What is the full name of the person you are asking for?",
        ),
        Field(
            "victim_consent",
            "yes_no",
            "Victim agreed",
            "Has {victim} agreed to you asking for this review for them? Type yes or no.",
            choices=YES_NO_CHOICES,
            help="We can only review a case for someone else if they agree to it.",
        ),
        Field("name", "text", "Your name", "What is your full name?"),
        Field(
            "address",
            "text",
            "Address",
            "What is your address? You will give the postcode next.",
            help="We need your address to pass your request to the right team.",
        ),
        Field("postcode", "postcode", "Postcode", "What is your postcode?"),
        Field(
            "phone",
            "phone",
            "Phone",
            "What is your phone number? Type skip if you would rather give an email address.",
            optional=True,
            skip_words=(*_SKIP, "i don't have one", "dont have one", "no phone"),
        ),
        Field(
            "email",
            "email",
            "Email",
            "What is your email address? Type skip if you do not want to give one.",
            optional=True,
            skip_words=(*_SKIP, "i don't have one", "dont have one", "no email"),
        ),
        Field(
            "contact_preference",
            "choice",
            "How to contact you",
            "How should the team contact you?",
            choices=CONTACT_CHOICES,
        ),
        Field(
            "safe_contact",
            "text",
            "Contacting you safely",
            "Is there anything we must know to contact you safely? For example, times to "
            "avoid or not to leave messages. Type no if not.",
            short="Anything we must know to contact you safely? Type no if not.",
            optional=True,
            skip_words=_SKIP,
        ),
        Field(
            "hate_motivated",
            "yes_no",
            "Hate crime or hate incident",
            "Do you think the behaviour is because of who you are? For example your race, "
            "religion, sexuality, disability or gender identity. Type yes or no.",
            short="Is it because of who you are? Type yes or no.",
            choices=YES_NO_CHOICES,
            help="This is called a hate incident or hate crime. It can change how your request "
            "is looked at.",
        ),
        Field(
            "hate_categories",
            "multi_choice",
            "Type of hate",
            "What do you think it is about? You can choose more than one, for example 1, 3.",
            short="What is it about? Choose one or more, eg 1, 3.",
            choices=HATE_CHOICES,
        ),
        Field(
            "incident_date",
            "date",
            "Date it happened",
            "Incident {n}: when did it happen? For example 14/03/2026, 2 weeks ago or "
            "last Friday. Type not sure if you do not know.",
            short="Incident {n}: when did it happen? Or type not sure.",
            per_incident=True,
            help="Give the date of one incident. You can tell me about more incidents after "
            "this one.",
        ),
        Field(
            "incident_description",
            "text",
            "What happened",
            "Incident {n}: what happened? Tell us in a few sentences.",
            per_incident=True,
        ),
        Field(
            "reported_to",
            "multi_choice",
            "Reported to",
            "Incident {n}: who did you report it to? You can choose more than one, "
            "for example 1, 2.",
            choices=AGENCY_CHOICES,
            short="Incident {n}: who did you report it to? Choose one or more.",
            per_incident=True,
        ),
        Field(
            "report_date",
            "date",
            "Date reported",
            "Incident {n}: when did you first report it? Type not sure if you do not know.",
            per_incident=True,
        ),
        Field(
            "report_reference",
            "text",
            "Reference number",
            "Incident {n}: did you get a reference or crime number? Type it, or type no.",
            optional=True,
            skip_words=(
                *_SKIP,
                "don't have one",
                "dont have one",
                "i don't have one",
                "not sure",
                "don't know",
                "dont know",
                "can't remember",
            ),
            per_incident=True,
        ),
        Field(
            "another_incident",
            "yes_no",
            "Another incident",
            "Do you want to tell us about another incident? Type yes or no.",
            choices=YES_NO_CHOICES,
            per_incident=True,
            help="Tell us about each incident you reported, up to {max} incidents.",
        ),
        Field(
            "other_reporters",
            "number",
            "Other people who reported it",
            "How many other people have complained about this kind of behaviour in the last "
            "6 months, that you know of? Type a number, or skip.",
            short="How many other people have complained? Type a number, or skip.",
            optional=True,
            skip_words=("skip", "not sure", "don't know", "dont know", "no idea", "unsure"),
        ),
        Field(
            "impact",
            "text",
            "Impact on you",
            "How is this affecting you or your household? Include any health needs or "
            "anything that makes you more vulnerable. Type skip if you prefer not to say.",
            short="How is this affecting you? Type skip if you prefer not to say.",
            optional=True,
            skip_words=_SKIP,
        ),
        Field(
            "perpetrator_under_18",
            "choice",
            "Anyone responsible under 18",
            "Are any of the people causing the problem under 18?",
            optional=True,
            choices=UNDER_18_CHOICES,
            skip_words=("skip",),
        ),
        Field(
            "desired_outcome",
            "text",
            "What you would like to happen",
            "What would you like to happen? Type skip if you are not sure.",
            optional=True,
            skip_words=(*_SKIP, "not sure", "don't know", "dont know"),
        ),
        Field("confirm", "confirm", "Confirm", ""),
    )
}
