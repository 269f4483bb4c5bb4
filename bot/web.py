"""The resident's pages: the chat (JavaScript on the JSON API), the embeddable widget, and the
same conversation as plain HTML forms for browsers without JavaScript.

The form version asks one question per page, posts the answer, and redirects (post, redirect,
get). Its conversation id lives in the signed session cookie with a CSRF token that every
form carries.
"""

from __future__ import annotations

import hmac
import itertools
import secrets
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.typing import ResponseReturnValue

from bot.conversation import Conversations
from bot.conversation import Expired
from bot.conversation import NotFound
from dialogs import journey
from dialogs.engine import Dialog
from dialogs.journey import Row
from dialogs.render import ChatRenderer
from dialogs.turn import Command
from dialogs.turn import Inbound
from dialogs.vocabulary import Stage

bp = Blueprint("web", __name__)
MAX_ANSWER_CHARS = 10_000
# The input each kind of question gets, with the browser's autofill hint where one fits.
INPUTS: dict[str, dict[str, str]] = {
    "name": {"type": "text", "autocomplete": "name", "spellcheck": "false"},
    "victim_name": {"type": "text", "autocomplete": "off", "spellcheck": "false"},
    "address": {"element": "textarea", "autocomplete": "street-address", "rows": "3"},
    "postcode": {"type": "text", "autocomplete": "postal-code", "class": "input-short",
                 "spellcheck": "false"},
    "phone": {"type": "tel", "autocomplete": "tel", "class": "input-medium"},
    "email": {"type": "email", "autocomplete": "email", "spellcheck": "false"},
    "date": {"type": "text", "autocomplete": "off", "class": "input-medium",
             "hint": "For example 14/03/2026, 2 weeks ago or last Friday."},
    "number": {"type": "text", "inputmode": "numeric", "class": "input-short"},
    "text": {"element": "textarea", "rows": "5"},
    "report_reference": {"type": "text"},
    "confirm": {"type": "text", "hint": "Or type what to change, for example: change phone."},
    "short_text": {"type": "text"},
}  # fmt: skip
"""The one table of inputs: the forms use it here, and the chat reads it from its page."""


def _service() -> Conversations:
    service: Conversations = current_app.extensions["casereview.conversations"]
    return service


def input_for(expects: dict[str, Any]) -> dict[str, str]:
    """The HTML input (element, type, autocomplete) for a question."""
    return INPUTS.get(expects["field"]) or INPUTS.get(expects["kind"]) or INPUTS["short_text"]


def page_context() -> dict[str, Any]:
    """What every page shows: names, phone, the brand."""
    policy = current_app.extensions["casereview.policy"]
    config = current_app.config
    return {
        "service_name": config["SERVICE_NAME"],
        "council_name": config["COUNCIL_NAME"] or policy.team_name,
        "logo_url": config["LOGO_URL"],
        "team_phone": policy.team_phone,
        "team_name": policy.team_name,
        "privacy_url": policy.privacy_url,
    }


# -- CSRF for the form version ------------------------------------------------------------


def csrf_token() -> str:
    """This browser session's CSRF token, made on first use."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def check_csrf() -> None:
    """Refuse a form post whose token is missing or wrong (400, the form is shown again)."""
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not sent or not expected or not hmac.compare_digest(str(sent), str(expected)):
        abort(400, description="The form has expired. Go back, reload the page and try again.")


# -- the chat page and the widget ------------------------------------------------------------


@bp.get("/")
def index() -> ResponseReturnValue:
    """The service's front page: the form version's start page."""
    return redirect(url_for("web.apply_start"))


@bp.get("/chat")
def chat() -> ResponseReturnValue:
    """The chat page (JavaScript), also shown inside the widget's frame with ?embed=1."""
    embed = request.args.get("embed") == "1"
    return render_template(
        "chat.html",
        embed=embed,
        inputs=INPUTS,
        warning_seconds=current_app.config["SESSION_WARNING_SECONDS"],
        **page_context(),
    )


@bp.get("/widget.js")
def widget() -> Response:
    """One script tag on a council page adds the launcher and the chat panel."""
    config = current_app.config
    public = config.get("PUBLIC_URL")
    chat_url = (
        f"{public.rstrip('/')}{url_for('web.chat', embed='1')}"
        if public
        else url_for("web.chat", embed="1", _external=True)
    )
    settings = {
        "chatUrl": chat_url,
        "origins": config["EMBED_ORIGINS"],
        "label": "Ask for an ASB case review",
        "title": config["SERVICE_NAME"],
        "colour": config["THEME_COLOUR"],
        "textColour": text_colour(config["THEME_COLOUR"]),
    }
    body = render_template("widget.js", settings=settings)
    response = Response(body, mimetype="text/javascript")
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/theme.css")
def theme() -> Response:
    """The council's colour as CSS variables (no inline styles, so the CSP stays strict)."""
    colour = current_app.config["THEME_COLOUR"]
    css = f":root {{ --brand: {colour}; --brand-text: {text_colour(colour)}; }}\n"
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(background: str) -> str:
    """White or near-black, whichever reads better on the council's colour."""
    white, black = "#ffffff", "#0b0c0c"
    return white if contrast(background, white) >= contrast(background, black) else black


# -- the form version (no JavaScript) ----------------------------------------------------------


def sections_of(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    """Answer rows grouped by section, in the order they were asked."""
    return [(name, list(group)) for name, group in itertools.groupby(rows, lambda r: r.section)]


def _current() -> tuple[Dialog, str | None] | None:
    conversation_id = session.get("conversation")
    if not conversation_id:
        return None
    try:
        return _service().dialog(conversation_id)
    except (NotFound, Expired):
        session.pop("conversation", None)
        return None


@bp.get("/apply")
def apply_start() -> ResponseReturnValue:
    """The start page."""
    ongoing = _current() is not None
    return render_template("apply_start.html", ongoing=ongoing, csrf_token=csrf_token(),
                           **page_context())  # fmt: skip


@bp.post("/apply/start")
def apply_begin() -> ResponseReturnValue:
    """Start a conversation (or carry on with the one this browser has)."""
    check_csrf()
    after_review = request.form.get("after_review") == "appeal"
    if request.form.get("restart") or after_review or _current() is None:
        turn = _service().start("web")
        session["conversation"] = turn.session_id
        # Only the greeting: going back and help are buttons on these pages, and the phone
        # route is in every page's footer.
        session["said"] = turn.messages[:1]
        session.pop("problem", None)
        if after_review:  # the same front door, the questions after a review
            session["said"] = (
                _service().post(turn.session_id, "I want to appeal the outcome").messages
            )
    return redirect(url_for("web.apply_question"), code=303)


_FORM_COMMANDS = {"back": Command.BACK, "help": Command.HELP, "skip": Command.SKIP,
                  "yes": Command.SUBMIT}  # fmt: skip


def _renderer() -> ChatRenderer:
    return ChatRenderer(current_app.extensions["casereview.policy"])


@bp.get("/apply/question")
def apply_question() -> ResponseReturnValue:
    """The current question as a form, or the answers to check, or the confirmation."""
    current = _current()
    if current is None:
        return redirect(url_for("web.apply_start"))
    dialog, _ = current
    said = session.pop("said", [])
    problem = session.pop("problem", None)
    context = {"csrf_token": csrf_token(), "said": said, "problem": problem, **page_context()}
    ask = dialog.asking()
    if ask is None:
        return redirect(url_for("web.apply_done"))
    if dialog.reviewing and ask.pending is None:
        sections = sections_of(journey.rows(dialog.model.given))
        return render_template("apply_check.html", sections=sections, **context)
    expects = ask.expects()
    renderer = _renderer()
    if ask.question is None:  # a yes or no asked in passing (start again?)
        question, hint = renderer.pending_question(ask), ""
    else:
        question = renderer.question(ask)
        hint = renderer.hint(ask) or input_for(expects).get("hint", "")
    return render_template(
        "apply_question.html",
        question=question,
        hint=hint,
        expects=expects,
        field_input=input_for(expects),
        value=session.pop("value", ""),
        **context,
    )


def _inbound() -> Inbound:
    """The form post as one inbound value: a command, picked choices, or typed text."""
    command = request.form.get("command", "")
    if command:
        known = _FORM_COMMANDS.get(command)
        return Inbound(command, command=known) if known else Inbound(command)
    if request.form.get("choices_shown"):
        return Inbound(values=tuple(request.form.getlist("choice")))
    return Inbound(request.form.get("answer", ""))


@bp.post("/apply/answer")
def apply_answer() -> ResponseReturnValue:
    """Take one answer or command, then show the next page (post, redirect, get)."""
    check_csrf()
    conversation_id = session.get("conversation")
    if not conversation_id:
        return redirect(url_for("web.apply_start"), code=303)
    inbound = _inbound()
    if len(inbound.text) > MAX_ANSWER_CHARS:
        abort(413, description=f"Answers can be up to {MAX_ANSWER_CHARS:,} characters.")
    try:
        turn = _service().post(conversation_id, inbound)
    except (NotFound, Expired):
        session.pop("conversation", None)
        return redirect(url_for("web.apply_start", expired=1), code=303)
    outcome = turn.outcome
    assert outcome is not None
    renderer = _renderer()
    # Feedback only: the page itself shows the question, the answers or the confirmation.
    if outcome.ask is not None and outcome.ask.pending is not None:
        outcome.notes = []  # the page asks it as its question
    said = renderer.notes(outcome)
    if outcome.submitted is not None:
        said += renderer.confirmation(outcome)
    elif outcome.done:
        said.append(renderer.ending(outcome))
    session["said"] = said
    session["problem"] = turn.problem
    if turn.problem and inbound.command is None and inbound.values is None:
        session["value"] = inbound.text[:MAX_ANSWER_CHARS]  # keep what they typed, to correct it
    target = "web.apply_done" if turn.done else "web.apply_question"
    return redirect(url_for(target), code=303)


@bp.get("/apply/done")
def apply_done() -> ResponseReturnValue:
    """The confirmation: reference, what happens next, and the answers to print or save."""
    current = _current()
    if current is None:
        return redirect(url_for("web.apply_start"))
    dialog, reference = current
    if not dialog.done:
        return redirect(url_for("web.apply_question"))
    said = session.pop("said", [])
    return render_template("apply_done.html", reference=reference, said=said,
                           submitted=dialog.model.stage == Stage.SUBMITTED,
                           sections=sections_of(journey.rows(dialog.model.given)),
                           csrf_token=csrf_token(),
                           **page_context())  # fmt: skip
