"""SMS text rules: keep every message in GSM-7 and count the segments it will cost.

A single character outside the GSM 03.38 alphabet (a curly quote, an emoji) switches the whole
message to UCS-2, which cuts a segment from 160 to 70 characters, so what residents typed is
transliterated before it is echoed back by text.
"""

from __future__ import annotations

import math
import unicodedata

import phonenumbers

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
"""Characters sent as an escape plus a code, so each costs two of the 160."""

SEGMENT_BUDGET = 2
"""Every message the bot texts fits in this many segments (320 characters of GSM-7 at most)."""

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u2022": "-",
        "\u00b7": "-",
        "\t": " ",
    }
)


def is_gsm7(text: str) -> bool:
    """True when every character can be sent in the GSM-7 alphabet (basic or extended)."""
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def septets(text: str) -> int:
    """The length of a GSM-7 message in 7-bit units (extended characters count twice)."""
    return sum(2 if c in GSM7_EXTENDED else 1 for c in text)


def segments(text: str) -> int:
    """How many SMS segments the text costs: 160/153 per segment in GSM-7, 70/67 in UCS-2."""
    if is_gsm7(text):
        units, single, multi = septets(text), 160, 153
    else:
        units, single, multi = len(text.encode("utf-16-le")) // 2, 70, 67
    if units <= single:
        return 1
    return math.ceil(units / multi)


def to_gsm7(text: str) -> str:
    """The text with smart punctuation made plain and accents dropped where GSM-7 lacks them."""
    text = text.translate(_TYPOGRAPHY)
    if is_gsm7(text):
        return text
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENDED:
            out.append(char)
            continue
        # "ë" -> "e", "ł" stays unknown; anything else (emoji, other scripts) becomes "?".
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(base if base and is_gsm7(base) else "?")
    return "".join(out)


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with "..." when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0] or text[: limit - 3]
    return cut.rstrip(" ,.;:") + "..."


def render(messages: list[str]) -> str:
    """One SMS body for a turn: the bot's messages joined and made GSM-7."""
    return to_gsm7("\n".join(m.strip() for m in messages if m.strip()))


# Twilio's own keywords (https://support.twilio.com/hc/en-us/articles/223134027): a message
# that is exactly one of these words opts the number out of, or back into, our texts.
OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
NEW_WORDS = frozenset({"NEW", "START", "NEW REQUEST", "START AGAIN", "RESTART", "HELLO", "HI"})


def keyword(body: str) -> str:
    """The message as a carrier keyword: trimmed, upper case, without trailing punctuation."""
    return " ".join(body.strip().strip(".!?,;:").upper().split())


def normalise_number(number: str) -> str:
    """A phone number in E.164 when it can be read (UK by default), else as given, trimmed."""
    raw = number.strip()
    try:
        parsed = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return raw
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
