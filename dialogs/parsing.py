"""Turn what a resident types into clean values, or a plain-English reason it could not be read.

Every parser is pure: it takes the text (and "today" where dates are involved) and returns a
`Parsed` value or raises `Invalid` with a message that says what is wanted.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers
from dateutil.relativedelta import relativedelta
from email_validator import EmailNotValidError
from email_validator import validate_email

MAX_TEXT = 3000
"""Longest free-text answer we keep; longer answers are refused with a clear message."""

UNKNOWN = "unknown"
"""Stored for a date the resident does not know."""


class Invalid(ValueError):
    """An answer that could not be accepted; the message is shown to the resident."""


@dataclass(frozen=True)
class Choice:
    """One option of a choice question."""

    value: str
    label: str
    synonyms: tuple[str, ...] = ()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t]+")
# A lone UTF-16 surrogate (browsers' JSON.stringify can send one) can be neither stored as
# UTF-8 nor put in an email, so it becomes the replacement character, as a decoder would do.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Normalise Unicode, drop control characters and squeeze spaces; keep line breaks."""
    text = unicodedata.normalize("NFC", _SURROGATE.sub("\ufffd", text))
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def simplify(text: str) -> str:
    """Lower-case, straighten quotes and drop punctuation, for matching words and commands."""
    text = clean_text(text).lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[^\w\s'/&+-]", " ", text)
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def parse_text(text: str, *, empty: str, max_length: int = MAX_TEXT) -> str:
    """Accept any non-empty text up to a length limit; `empty` is what to say to no text."""
    value = clean_text(text)
    if not value:
        raise Invalid(empty)
    if len(value) > max_length:
        raise Invalid(
            f"That is {len(value):,} characters. Please keep it under {max_length:,}. "
            "The team can ask you for more detail later."
        )
    return value


_YES = {
    "yes", "y", "yeah", "yep", "yup", "ye", "yes please", "ok", "okay", "sure", "i agree",
    "agree", "agreed", "i do", "correct", "true", "they do", "they have", "it was", "i consent",
    "that's right", "thats right", "right", "aye", "of course", "definitely",
}  # fmt: skip
_NO = {
    "no", "n", "nope", "nah", "no thanks", "no thank you", "i don't", "i do not", "i dont",
    "false", "disagree", "i disagree", "they don't", "they do not", "not", "none", "it wasn't",
    "it was not", "no it wasn't", "no more", "that's all", "thats all", "that is all", "done",
    "finished", "no more incidents", "not really", "no not really", "not at all", "no way",
}  # fmt: skip


_YES_IDIOMS = re.compile(
    r"^(no (problem|problems|worries|probs|bother|objection|objections)( at all)?|not a problem"
    r"|(i )?dont mind|(yes )?thats (fine|ok|okay)|fine( by me)?|go ahead|happy to|(yes )?of course)"
    r"( (thanks|thank you|please|go ahead))?$"
)
"""Yes in everyday words that start like a no ("no problem")."""
_GRUDGING_YES = re.compile(
    r"^((ok|okay|oh|fine|alright|all right|right|well|go on|then|i suppose|i guess|sure) )+"
    r"(yes|yeah|yep|ok|okay|fine|sure|i agree|go ahead)( (then|please|thanks))?$"
)
"""Yes after a sigh ("ok fine yes", "oh go on then yes")."""

_REFUSAL = frozenset({"no", "nope", "nah", "n", "not", "dont", "doesnt", "didnt", "havent",
                      "hasnt", "disagree", "never", "2", "refuse"})  # fmt: skip
_REFUSAL_WORDS = _REFUSAL | frozenset({
    "i", "they", "he", "she", "we", "do", "does", "did", "have", "has", "agree", "agreed",
    "consent", "given", "yet", "thanks", "thank", "you", "sorry", "way", "want", "wanna", "to",
    "share", "shared", "my", "our", "details", "it", "that", "them", "this", "please", "at",
    "all", "really", "definitely", "sure", "asked", "yes",
})  # fmt: skip


def is_clear_no(text: str) -> bool:
    """True when the words say no and nothing else ("no", "no thank you", "they have not agreed"),
    so an answer that ends a conversation is never read into something ambiguous ("no problem",
    "no he cant, he has dementia")."""
    words = simplify(text).replace("'", "").split()
    if not words or "yes" in words[:1]:
        return False
    return any(w in _REFUSAL for w in words) and all(w in _REFUSAL_WORDS for w in words)


_UNSURE = re.compile(r"^(not sure|unsure|maybe|perhaps|possibly|dunno|don'?t know|idk|no idea|"
                     r"might be|could be|i'?m not sure|im not sure)\b")  # fmt: skip


def parse_yes_no(text: str, unsure: str = "") -> bool:
    """Read yes or no, by word, number (1 yes, 2 no) or common synonym; `unsure` is what to
    say to someone who is not sure."""
    words = simplify(text)
    plain = words.replace("'", "")
    if words in _YES or words == "1" or _YES_IDIOMS.match(plain) or _GRUDGING_YES.match(plain):
        return True
    if words in _NO or words == "2":
        return False
    if _UNSURE.search(words):
        raise Invalid(unsure or "Please answer yes or no. If you are not sure, ask for help.")
    first = words.split(" ", 1)[0] if words else ""
    if first in {"yes", "yeah", "yep", "y"}:
        return True
    if first in {"no", "nope", "nah", "n"}:
        return False
    raise Invalid("Please answer yes or no.")


def _matches(choice: Choice, words: str, number: int) -> bool:
    if words.isdecimal():
        return int(words) == number
    names = {choice.value.replace("_", " "), choice.value, simplify(choice.label), *choice.synonyms}
    return words in names


_FILLER = re.compile(r"\b(pls|plz|please|thanks|thank you|ta|def|definitely|deffo|defo|tbh|"
                     r"i think|i guess|probably|prob|just|really|by|via|lol)\b")  # fmt: skip


def _named_in(choice: Choice, words: str) -> bool:
    """True when the text names the choice somewhere ("its me, im the victim")."""
    return any(re.search(rf"(?<![\w']){re.escape(n)}(?![\w'])", words) for n in _names(choice) if n)


def _widest(named: list[Choice], *texts: str) -> list[Choice]:
    """The choices named, less any named only inside another's longer name ("gender" inside
    "gender identity")."""
    found = {c.value: {n for n in _names(c) for t in texts if n and _says(n, t)} for c in named}
    every = set().union(*found.values()) if found else set()

    def inside(name: str) -> bool:
        return any(name != other and _says(name, other) for other in every)

    return [c for c in named if not found[c.value] or not all(map(inside, found[c.value]))]


def _says(name: str, words: str) -> bool:
    """True when `name` is among `words` as whole words."""
    return re.search(rf"(?<![\w']){re.escape(name)}(?![\w'])", words) is not None


SLIP_CUTOFF = 0.85
"""How like a name a word must be (difflib's ratio) to be read as that name misspelt."""


def _misspelt(word: str, choices: Sequence[Choice]) -> str | None:
    """The one choice a single misspelt word means ("polcie", "coucil", "disabilty"): close to a
    one-word name of 6 letters or more, or two neighbouring letters swapped, with the first and
    last letters right. Shorter names, or a changed end, make other words ("policy", "office")."""
    if len(word) < 5 or not word.isalpha():
        return None
    names = [(n, c.value) for c in choices for n in _names(c) if len(n) >= 6 and n.isalpha()]
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    close = difflib.get_close_matches(word, [n for n, _ in names], len(names) or 1, SLIP_CUTOFF)
    meant = {value for name, value in names if (name in close or name in swapped)
             and name[0] == word[0] and name[-1] == word[-1]}  # fmt: skip
    return meant.pop() if len(meant) == 1 else None


def _names(choice: Choice) -> set[str]:
    """Everything a choice is called: its value, label and synonyms."""
    return {choice.value.replace("_", " "), simplify(choice.label), *choice.synonyms}


def parse_choice(text: str, choices: Sequence[Choice]) -> str:
    """Read one choice by its number, value, label or an obvious synonym; failing that, the
    one choice the text names among other words ("txt me pls")."""
    words = simplify(text)
    short = re.sub(r"^(the|my|a|an|by|via|i'm|i am) ", "", words)
    for number, choice in enumerate(choices, start=1):
        if _matches(choice, words, number) or _matches(choice, short, number):
            return choice.value
    # Several words: the one choice they name (two named is a question to ask again).
    loose = _SPACES.sub(" ", _FILLER.sub(" ", words.replace("'", ""))).strip()
    named = [c for c in choices if _named_in(c, words) or _named_in(c, loose)]
    named = _widest(named, words, loose)
    if len(named) == 1 and not words.isdecimal():
        return named[0].value
    misspelt = _misspelt(short, choices) or _misspelt(loose, choices)
    if misspelt is not None:
        return misspelt
    # The question is asked again after this, with its numbered options.
    raise Invalid("Please choose one of the options. Type its number or its words.")


_SPLIT = re.compile(r"\s*(?:,|;|/|&|\+|\band\b|\bor\b|\bplus\b|\bn\b|\ban\b|\b'n'\b)\s*")


QUOTED_CHARS = 30
"""The longest part of an answer quoted back in a re-prompt; longer, it is not quoted."""

_ALL = frozenset({"all", "all of them", "all of the above", "all of these", "them all", "any",
                  "any of them", "all are safe", "all of them are safe", "all safe", "all ok",
                  "everything", "all ways", "all of those", "all fine"})  # fmt: skip


def parse_multi_choice(text: str, choices: Sequence[Choice]) -> list[str]:
    """Read one or more choices separated by commas or 'and', keeping the listed order."""
    words = simplify(text)
    if words in _ALL:  # every option, but never "none" with them
        return [c.value for c in choices if c.value != "none"]
    # Split before simplifying, which would drop the commas.
    parts = [simplify(p) for p in _SPLIT.split(clean_text(text).lower())]
    parts = [p for p in parts if p]
    if len(parts) == 1 and " " in parts[0] and all(p.isdecimal() for p in parts[0].split()):
        parts = parts[0].split()
    picked: set[str] = set()
    for part in parts:
        try:
            picked.add(parse_choice(part, choices))
        except Invalid:
            # Quoted only when short enough to quote whole: never a cut-off fragment.
            what = f'"{part}"' if len(part) <= QUOTED_CHARS else "that"
            raise Invalid(
                f"I did not understand {what}. Choose one or more of the options, for example 1, 2."
            ) from None
    if not picked:
        raise Invalid("Please choose at least one option.")
    return [c.value for c in choices if c.value in picked]


_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def parse_postcode(text: str) -> str:
    """Normalise a UK postcode to the 'SW1A 1AA' form."""
    compact = re.sub(r"[^A-Za-z0-9]", "", text).upper()
    match = _POSTCODE.match(compact)
    if not match:
        raise Invalid("Please enter a full UK postcode, for example SW1A 1AA.")
    return f"{match.group(1)} {match.group(2)}"


def parse_phone(text: str, region: str = "GB") -> str:
    """Read a phone number (UK by default) and return it in E.164 form."""
    raw = clean_text(text)
    if not re.search(r"\d", raw):
        raise Invalid("Please enter a phone number using digits, for example 07123 456789.")
    if len(re.sub(r"\D", "", raw)) < 7:
        raise Invalid("That phone number is too short. Check it and try again.")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise Invalid("That does not look like a phone number. Try 07123 456789.") from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.TOO_SHORT:
        raise Invalid("That phone number is too short. Check it and try again.")
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        raise Invalid("That phone number is too long. Check it and try again.")
    if not phonenumbers.is_valid_number(number):
        raise Invalid("That is not a valid phone number. Check it and try again.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_TEXTABLE = frozenset({phonenumbers.PhoneNumberType.MOBILE,
                       phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})  # fmt: skip


def can_text(e164: str) -> bool:
    """True when a stored number can get texts: a mobile, not a landline or an 0300 number."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in _TEXTABLE


def format_phone(e164: str) -> str:
    """A stored E.164 number as a UK resident writes it (07123 456789), others internationally."""
    number = phonenumbers.parse(e164, None)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def parse_email(text: str) -> str:
    """Check the form of an email address without any network lookup; return it normalised."""
    raw = clean_text(text)
    if "@" not in raw:
        raise Invalid("Please enter an email address, like name@example.com.")
    addresses = [word.strip(".,;:!?()<>\"'") for word in raw.split() if "@" in word]
    if len(addresses) == 1 and " " in raw:  # "no email, use jane@example.com": the address
        raw = addresses[0]
    if not raw.rpartition("@")[0].isascii():
        # Valid, but most mail systems cannot deliver it (it needs SMTPUTF8).
        raise Invalid(
            "Before the @, use only the letters A to Z, numbers and . _ - + (for example "
            "jose@example.com, not josé@example.com)."
        )
    try:
        checked = validate_email(raw, check_deliverability=False)
        # The domain in its ASCII form (xn--…), which every mail system can deliver to.
        return checked.ascii_email or checked.normalized
    except EmailNotValidError:
        raise Invalid(
            "That email address is not quite right. Check it and try again, like name@example.com."
        ) from None


_WORD_NUMBERS = {
    "none": 0, "no": 0, "nobody": 0, "no one": 0, "zero": 0, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
}  # fmt: skip


def parse_count(text: str, *, maximum: int = 10000) -> int:
    """Read a whole number of people, in digits or words."""
    words = simplify(text)
    words = re.sub(r"\b(people|persons|others|other|neighbours|about|around|roughly)\b", "", words)
    words = words.strip()
    if words in _WORD_NUMBERS:
        return _WORD_NUMBERS[words]
    match = re.fullmatch(r"(\d{1,6})\+?", words)
    if not match or int(match.group(1)) > maximum:
        raise Invalid("Please type a number, for example 4. Type 0 if nobody else has.")
    return int(match.group(1))


_UNKNOWN_DATE = re.compile(
    r"^(i )?(don'?t|do not|dont|can'?t|cannot|do ?n't) (know|remember|recall)|^(not sure|unsure|"
    r"unknown|no idea|dunno|idk|don't know|dont know|forgot|can't remember|not known)\b"
)
_FUTURE_WORDS = re.compile(
    r"\b(tomorrow|next (week|month|year)|in \d+ (days?|weeks?|months?|years?))\b"
)


def is_unknown(text: str) -> bool:
    """True when the resident says they do not know (a date, for example)."""
    return bool(_UNKNOWN_DATE.search(simplify(text)))


@dataclass(frozen=True)
class Approximate:
    """A date a resident gave as less than a day: a month, a season, a year, "since ...", or
    only "ages ago". Kept as they said it; screening treats it as a date it does not know."""

    said: str
    precision: str
    """month, season, year, ongoing (since `earliest`), or vague (no dates at all)."""
    earliest: dt.date | None = None
    latest: dt.date | None = None
    since: str = "day"
    """For `ongoing`: how exact its start is (day, month, season or year)."""

    def to_json(self) -> dict[str, Any]:
        """As stored with the answers and in the record."""
        return {
            "said": self.said,
            "precision": self.precision,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "since": self.since,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Approximate:
        """Read one back."""
        earliest, latest = data.get("earliest"), data.get("latest")
        return cls(
            str(data.get("said", "")),
            str(data.get("precision", "vague")),
            dt.date.fromisoformat(earliest) if earliest else None,
            dt.date.fromisoformat(latest) if latest else None,
            str(data.get("since", "day")),
        )

    def describe(self) -> str:
        """In words: "March 2026", "summer 2026", "2024", "ongoing since March 2025"."""
        start = self.earliest
        if self.precision == "month" and start:
            return start.strftime("%B %Y")
        if self.precision == "season" and start:
            return f"{_SEASON_OF_MONTH[start.month]} {start.year}"
        if self.precision == "year" and start:
            return str(start.year)
        if self.precision == "ongoing" and start:
            if self.since == "day":
                return f"ongoing since {format_date(start)}"
            return f"ongoing since {Approximate(self.said, self.since, start).describe()}"
        if self.precision == "about" and start and self.latest:
            return f"about {format_date(start)} to {format_date(self.latest)}"
        return f'not known (you said "{self.said[:40]}")'


_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11),
            "winter": (12, 2)}  # fmt: skip
_SEASON_OF_MONTH = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}
_VAGUE = re.compile(
    r"^(ages|ages ago|a long time ago|long ago|a long time|years ago|a while ago|a while back|"
    r"a while|forever|for ages|for years|months ago|loads of times|many times|lots of times)$"
)
_ONGOING = re.compile(
    r"\b(every ?(day|night|week|weekend|evening|morning)|daily|nightly|weekly|all the time|"
    r"constantly|non ?stop|ongoing|still (happening|going on)|keeps happening)\b"
)
_SINCE = re.compile(r"\b(since|from|started in|started|began in|began|starting)\s+(.+)$")
_FEW = re.compile(
    r"^(a few|few|a couple of|a couple|couple of|several|some)\s+(days|weeks|months|years)\s+ago$"
)
_LEAD = re.compile(
    r"^(in|during|around|about|roughly|sometime in|some time in|at|on|in the|the)\s+"
)
_DATE_HELP = (
    "I could not read that as a date. Try 14 March 2026, 14/03/2026, 3 weeks ago or March 2026. "
    "If you do not know, say not sure."
)


def _lead_off(words: str) -> str:
    while True:
        shorter = _LEAD.sub("", words)
        if shorter == words:
            return words
        words = shorter


def _month_end(value: dt.date) -> dt.date:
    following = dt.date(value.year + value.month // 12, value.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _season(
    name: str, words: str, today: dt.date, year: int | None = None, previous: bool = False
) -> Approximate:
    """The most recent such season that has begun (or that of `year`)."""
    first, last = _SEASONS[name]
    if year is not None:
        start = dt.date(year - (first == 12), first, 1)
        if start > today:
            raise Invalid("The date must be today or in the past.")
        end = _month_end(dt.date(start.year + (first == 12), last, 1))
        return Approximate(words, "season", start, min(end, today))
    year = today.year
    if first == 12:  # winter runs December to February
        start = dt.date(year - (1 if today.month < 12 else 0), 12, 1)
    else:
        start = dt.date(year, first, 1)
        if start > today:
            start = dt.date(year - 1, first, 1)
    if (
        words.startswith("last")
        and _month_end(dt.date(start.year + (first == 12), last, 1)) >= today
    ):
        start = dt.date(start.year - 1, start.month, 1)
    end = _month_end(dt.date(start.year + (first == 12), last, 1))
    return Approximate(words, "season", start, min(end, today))


def _approximate(words: str, today: dt.date) -> Approximate | dt.date | None:
    """A date that is not one day, read with dateparser's own settings first; None when the
    words are not a date at all."""
    if _VAGUE.match(words):
        return Approximate(words, "vague")
    few = _FEW.match(words)
    if few:  # "a few months ago": a range, not a day
        unit = few.group(2)
        span = {"days": 1, "weeks": 7, "months": 30, "years": 365}[unit]
        low, high = (2, 4) if few.group(1).startswith(("a couple", "couple")) else (2, 6)
        return Approximate(
            words,
            "about",
            today - dt.timedelta(days=high * span),
            today - dt.timedelta(days=low * span),
        )
    bare = _lead_off(re.sub(r"^(early|late|mid|the end of|end of|the start of|start of"
                            r"|the beginning of|beginning of|the middle of|middle of)\s+", "",
                            _lead_off(words)))  # fmt: skip
    for name in _SEASONS:
        match = re.fullmatch(rf"(last |this )?{name}(?: of)?(?: (\d{{4}}))?", bare)
        if match:
            year = int(match.group(2)) if match.group(2) else None
            return _season(name, words, today, year, previous=bare.startswith("last"))
    result = _dateparser(today).get_date_data(bare)
    if result.date_obj is None:
        return None
    day: dt.date = result.date_obj.date()
    if day > today:
        raise Invalid("The date must be today or in the past.")
    if result.period == "month":
        return Approximate(words, "month", day.replace(day=1), min(_month_end(day), today))
    if result.period == "year":
        start = dt.date(day.year, 1, 1)
        return Approximate(words, "year", start, min(dt.date(day.year, 12, 31), today))
    return day


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1}  # fmt: skip
_NEXT_DAY = re.compile(
    r"^(the )?(next|following) (day|morning|evening)$|^(the )?(day|morning) after$"
    r"|^(on )?the day after( it happened)?$"
)
_LATER = re.compile(r"^(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|a|an) "
                    r"(days?|weeks?) (later|after|after that|after it happened)$")  # fmt: skip
_FEW_LATER = re.compile(
    r"^(a few|few|a couple of|a couple|couple of|several) (days|weeks) (later|after|after that"
    r"|after it happened)$"
)


def _days_later(words: str) -> tuple[int, int] | None:
    """How many days after the incident "the next day", "2 days later" or "a few days later"
    mean, as (fewest, most); None when the words are not one of those."""
    if _NEXT_DAY.match(words):
        return 1, 1
    roughly = re.match(r"^(about|around|roughly|maybe|nearly|almost) (.+)$", words)
    later = _LATER.match(roughly.group(2) if roughly else words)
    if later:
        count = _NUMBER_WORDS.get(later.group(1)) or int(later.group(1))
        weeks = later.group(2).startswith("week")
        days = count * (7 if weeks else 1)
        spread = (3 if weeks else 1) if roughly else 0  # "about a week later": give or take
        return max(days - spread, 0), days + spread
    few = _FEW_LATER.match(words)
    if few:  # a range after the incident, as "a few days ago" is a range before today
        span = 7 if few.group(2) == "weeks" else 1
        low, high = (2, 3) if "couple" in few.group(1) else (2, 6)
        return low * span, high * span
    return None


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NAME = rf"({'|'.join(_WEEKDAYS)})"
_WEEKDAY_AFTER = re.compile(
    rf"^(on )?(the )?((following|next) {_DAY_NAME}|{_DAY_NAME} (after|after that|after it"
    rf" happened|following|afterwards))$"
)
_MONTHS_LATER = re.compile(r"^(\d{1,2}|one|two|three|four|five|six|a|an) (months?) (later|after"
                           r"|after that|after it happened)$")  # fmt: skip


def _later_on(words: str, day: dt.date) -> dt.date | None:
    """The day that "the monday after" or "a month later" (the same day next month) means,
    counted from `day`; None when the words are neither."""
    weekday = _WEEKDAY_AFTER.match(words)
    if weekday:
        name = next(g for g in weekday.groups()[3:] if g in _WEEKDAYS)
        ahead = (_WEEKDAYS.index(name) - day.weekday() - 1) % 7 + 1  # never the day itself
        return day + dt.timedelta(days=ahead)
    months = _MONTHS_LATER.match(words)
    if months:
        count = _NUMBER_WORDS.get(months.group(1)) or int(months.group(1))
        return day + relativedelta(months=count)
    return None


def _not_yet(day: dt.date) -> Invalid:
    """Said to a day counted from the incident that has not come yet."""
    return Invalid(
        f"That would be {format_date(day)}, which is in the future. Check the date you first "
        "reported it, or type not sure."
    )


def parse_later(
    text: str, happened: dt.date | Approximate, today: dt.date
) -> dt.date | Approximate | None:
    """A report date told from the incident's (one day, or a range such as "6 months ago"):
    "the next day", "2 days later", "a few days later", "the monday after", "a month later";
    None when the words are not one of those, or the incident's date is not known well enough
    to count from."""
    spelt = spelt_out(simplify(text).replace("'", ""))
    words = _HEDGE.sub("", spelt)  # "i think the monday after"
    if words != spelt and _LATER.match(words):  # "maybe a week later": as rough as "about"
        words = f"about {words}"
    if isinstance(happened, Approximate):
        if happened.earliest is None or happened.latest is None:
            return None
        first, last = happened.earliest, happened.latest
    else:
        first = last = happened
    on = _later_on(words, first)
    if on is not None:
        earliest, latest = on, _later_on(words, last) or on
    else:
        days = _days_later(words)
        if days is None:
            return None
        earliest, latest = first + dt.timedelta(days=days[0]), last + dt.timedelta(days=days[1])
    if earliest == latest:
        if earliest > today:
            raise _not_yet(earliest)
        return _checked(earliest, today)
    if earliest > today:
        raise Invalid("The date must be today or in the past.")
    return Approximate(words, "about", earliest, min(latest, today))


def parse_date(
    text: str, today: dt.date, *, allow_unknown: bool = True
) -> dt.date | Approximate | None:
    """Read a date as a UK resident writes it: day first, words and relative phrases allowed.

    Returns None for "I don't know" when allowed, and an `Approximate` for a month, a season,
    a year, "since ..." or "ages ago". Never a future date.
    """
    if allow_unknown and is_unknown(text):
        return None
    spelt = spelt_out(simplify(text))
    words = _HEDGE.sub("", spelt)
    if words != spelt and _COUNT_AGO.match(words):  # "maybe 2 weeks ago": as rough as "about"
        words = f"about {words}"
    if allow_unknown and is_unknown(words):  # "probably not sure"
        return None
    if not words:
        raise Invalid("Please type a date, for example 14 March 2026 or 3 weeks ago.")
    if _FUTURE_WORDS.search(words):
        raise Invalid("The date must be today or in the past.")
    numeric = _NUMERIC_DATE.fullmatch(words)
    if numeric:  # 14/03/2026: read here, day first, for a fraction of dateparser's cost
        return _checked(_numeric_date(numeric, today), today)
    since = _SINCE.search(words)
    if since:  # "every day since 2024": ongoing since the start they give
        began = _read_one(since.group(2), today)
        start, precision = (began.earliest, began.precision) if isinstance(began, Approximate) \
            else (began, "day")  # fmt: skip
        if start is None or precision not in {"day", "month", "season", "year"}:
            raise Invalid(_DATE_HELP)
        return Approximate(words, "ongoing", _checked(start, today), today, precision)
    if _ONGOING.search(words):
        raise Invalid(
            "If it keeps happening, tell me when it started, for example since March 2025. "
            "Or give the date of one time it happened, for example last Friday."
        )
    return _read_one(words, today)


_AGO = re.compile(r"\b(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                  r"twelve) (months?|years?) ago\b")  # fmt: skip
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
                "twelve": 12}  # fmt: skip
AROUND = dt.timedelta(days=15)
"""How far either side of "6 months ago" the day may be: half a month."""


def _months_back(words: str, first: dt.date, period: str, today: dt.date) -> Approximate:
    """ "6 months ago": about that day, half a month either side; "last month", "last year":
    that whole month or year (`first` is dateparser's first day of it)."""
    ago = _AGO.search(words)
    if ago:
        count = _COUNT_WORDS.get(ago.group(1)) or int(ago.group(1))
        months = count * (12 if ago.group(2).startswith("year") else 1)
        around = today - relativedelta(months=months)
        return Approximate(words, "about", around - AROUND, min(around + AROUND, today))
    if period == "year":
        return Approximate(words, "year", dt.date(first.year, 1, 1),
                           min(dt.date(first.year, 12, 31), today))  # fmt: skip
    return Approximate(words, "month", first.replace(day=1), min(_month_end(first), today))


_HEDGE = re.compile(
    r"^((i think|i believe|i reckon|i guess|think|probably|maybe|possibly|it was|it were)"
    r"\b ?)+(?=\w)"
)
"""Words before a date that only say the resident is not certain ("i think 3 oct")."""


_SHORT_FORMS = (
    (re.compile(r"\bwk\b"), "week"), (re.compile(r"\bwks\b"), "weeks"),
    (re.compile(r"\b(mth|mnth)\b"), "month"), (re.compile(r"\b(mths|mnths)\b"), "months"),
    (re.compile(r"\byr\b"), "year"), (re.compile(r"\byrs\b"), "years"),
    (re.compile(r"\b(bout|abt)\b"), "about"), (re.compile(r"\bdys\b"), "days"),
)  # fmt: skip
"""Text-message spellings of date words: "2 wks ago", "bout a week later"."""


def spelt_out(words: str) -> str:
    """Date words with their text-message short forms written out."""
    for short, full in _SHORT_FORMS:
        words = short.sub(full, words)
    return words


def hedged(words: str) -> str:
    """Simplified words without a hedge before them ("probably the same day": "the same day")."""
    return _HEDGE.sub("", words)


_WEEKEND = re.compile(r"^(at |on |over )?(the |this |last |the last )?weekend( before last)?$")
_DAY_OF_MONTH = re.compile(r"^(the )?(\d{1,2})(st|nd|rd|th)$|^the (\d{1,2})$")


def _weekend(words: str, today: dt.date) -> Approximate | None:
    """ "last weekend": Saturday and Sunday of the week before this one (weeks from Monday);
    "the weekend before last" a week earlier; "the weekend" the one just gone or under way."""
    match = _WEEKEND.match(words)
    if match is None:
        return None
    this_saturday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=5)
    if match.group(3):  # the weekend before last
        weeks = 2
    elif (match.group(2) or "").strip() in {"last", "the last"}:
        weeks = 1
    else:  # "the weekend", on a weekday: the one just gone
        weeks = 1 if today.weekday() < 5 else 0
    saturday = this_saturday - dt.timedelta(weeks=weeks)
    return Approximate(words, "about", saturday, min(saturday + dt.timedelta(days=1), today))


_ROUGHLY_AGO = re.compile(
    r"^(about|around|roughly|approx|approximately|bout|abt|maybe|nearly|almost) (\d{1,2}|a|an"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (days?|weeks?|wks?"
    r"|fortnights?) ago$"
)
_COUNT_AGO = re.compile(
    r"^(\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (days?"
    r"|weeks?|fortnights?) ago$"
)
"""A count back from today, which a hedge before it makes rough ("maybe 2 weeks ago")."""
_LAST_WEEK = re.compile(r"^(sometime |some time |during |in )?(last|the last) (week|wk)$")


def _roughly_ago(words: str, today: dt.date) -> Approximate | None:
    """ "about 7 weeks ago": that day, half a week either side (a day either side for days);
    "last week": its Monday to Sunday. Said without "about", "3 weeks ago" stays a day."""
    if _LAST_WEEK.match(words):
        monday = today - dt.timedelta(days=today.weekday() + 7)
        return Approximate(words, "about", monday, min(monday + dt.timedelta(days=6), today))
    match = _ROUGHLY_AGO.match(words)
    if match is None:
        return None
    count = _COUNT_WORDS.get(match.group(2)) or int(match.group(2))
    unit = match.group(3)
    days = count * (14 if unit.startswith("fortnight") else 1 if unit.startswith("day") else 7)
    spread = dt.timedelta(days=1 if unit.startswith("day") else 3)
    around = today - dt.timedelta(days=days)
    return Approximate(words, "about", around - spread, min(around + spread, today))


def _day_of_month(words: str, today: dt.date) -> dt.date | None:
    """ "the 14th": the latest 14th that is not in the future (a month that has one)."""
    match = _DAY_OF_MONTH.match(words)
    if match is None:
        return None
    day = int(match.group(2) or match.group(4))
    if not 1 <= day <= 31:
        raise Invalid(_DATE_HELP)
    month = dt.date(today.year, today.month, 1)
    for _ in range(13):
        if day <= _month_end(month).day and month.replace(day=day) <= today:
            return month.replace(day=day)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return None


_A_WEEKDAY = re.compile(
    r"^(on )?a (monday|tuesday|wednesday|thursday|friday|saturday|sunday)( morning| afternoon"
    r"| evening| night)?$"
)


def _read_one(words: str, today: dt.date) -> dt.date | Approximate:
    weekday = _A_WEEKDAY.match(words)
    if weekday:  # "it was a saturday": there is one every week
        day = weekday.group(2).capitalize()
        raise Invalid(f"Which {day}? For example last {day}, or the date, like 28 November 2026.")
    numeric = _NUMERIC_DATE.fullmatch(words)
    if numeric:
        return _checked(_numeric_date(numeric, today), today)
    weekend = _weekend(words, today) or _roughly_ago(words, today)
    if weekend is not None:
        return weekend
    day = _day_of_month(_lead_off(words), today)
    if day is not None:
        if re.match(r"^(around|about|roughly) ", words):  # "around the 20th"
            spread = dt.timedelta(days=2)
            return Approximate(words, "about", day - spread, min(day + spread, today))
        return _checked(day, today)
    result = _dateparser(today).get_date_data(words)
    relative = re.search(r"\b(ago|last)\b", words)
    if result.date_obj is not None and relative and result.period in {"month", "year"}:
        # dateparser gives "6 months ago" as the 1st of that month: a range, not a day
        return _months_back(words, result.date_obj.date(), result.period, today)
    if result.date_obj is not None and (result.period == "day" or relative):
        return _checked(result.date_obj.date(), today)
    approximate = _approximate(words, today)
    if approximate is None:
        raise Invalid(_DATE_HELP)
    if isinstance(approximate, dt.date):
        return _checked(approximate, today)
    if approximate.earliest is not None and approximate.earliest.year < 1990:
        raise Invalid("Please check the year and try again.")
    return approximate


_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})")


def _numeric_date(match: re.Match[str], today: dt.date) -> dt.date:
    day, month, year = (int(part) for part in match.groups())
    if year < 100:  # 14/03/26: this century, unless that would be in the future
        year += 2000 if 2000 + year <= today.year else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Invalid(
            "I could not read that as a date. Try 14 March 2026, 14/03/2026 or 3 weeks ago. "
            "If you do not know, type not sure."
        ) from None


def _checked(value: dt.date, today: dt.date) -> dt.date:
    if value > today:
        raise Invalid("The date must be today or in the past.")
    if value.year < 1990:
        raise Invalid("Please check the year and try again.")
    return value


_PARSERS: dict[dt.date, Any] = {}


def _dateparser(today: dt.date) -> Any:
    """A day-first English date parser anchored at `today` (one per day, reused)."""
    parser = _PARSERS.get(today)
    if parser is None:
        from dateparser.date import DateDataParser

        # Language fixed to English: guessing costs 20 ms a call and 40 MB (performance notes).
        parser = DateDataParser(
            languages=["en"],
            settings={
                "DATE_ORDER": "DMY",
                "PREFER_DATES_FROM": "past",
                "PREFER_DAY_OF_MONTH": "first",
                "RELATIVE_BASE": dt.datetime.combine(today, dt.time(12, 0)),
                "RETURN_TIME_AS_PERIOD": False,
            },
        )
        _PARSERS.clear()
        _PARSERS[today] = parser
    return parser


def warm_up() -> None:
    """Load dateparser's data now, so the first resident does not wait for it."""
    parse_date("1 March 2020", dt.date(2020, 3, 2))


def format_date(value: dt.date | Approximate | None) -> str:
    """A date the way GOV.UK writes it: 14 March 2026 (or 'March 2026', or 'not known')."""
    if value is None:
        return "not known"
    if isinstance(value, Approximate):
        return value.describe()
    return f"{value.day} {value.strftime('%B %Y')}"


def join_labels(labels: Iterable[str]) -> str:
    """Join words as a person would: 'a, b and c'."""
    items = list(labels)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# Common mail domains in the UK, for "did you mean" (GOV.UK's email address pattern).
EMAIL_DOMAINS = (
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "live.com",
    "live.co.uk", "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "aol.com", "msn.com",
    "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "ntlworld.com",
    "blueyonder.co.uk", "protonmail.com", "proton.me", "outlook.co.uk", "mail.com",
)  # fmt: skip


def suggest_email(address: str) -> str | None:
    """The address with a likely typo in its domain fixed (gmial.com, gmail.con), or None.

    Damerau-Levenshtein distance (rapidfuzz): one or two slips from a common domain, and not
    a common domain itself."""
    from rapidfuzz.distance import DamerauLevenshtein
    from rapidfuzz.process import extractOne

    local, _, domain = address.rpartition("@")
    domain = domain.lower()
    if not local or domain in EMAIL_DOMAINS:
        return None
    limit = 1 if len(domain) < 8 else 2
    best = extractOne(domain, EMAIL_DOMAINS, scorer=DamerauLevenshtein.distance,
                      score_cutoff=limit)  # fmt: skip
    return f"{local}@{best[0]}" if best else None
