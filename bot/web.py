"""The resident's pages: the chat (JavaScript on the JSON API), the embeddable widget, and the
same conversation as plain HTML forms for browsers without JavaScript.

The form version asks one question per page, posts the answer, and redirects (post, redirect,
get). Its conversation id lives in the signed session cookie with a CSRF token that every
form carries.
"""

from __future__ import annotations

import hmac
import itertools
import json
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
from dialogs.journey import BY_FIELD
from dialogs.journey import Row
from dialogs.journey import Step
from dialogs.model import DialogModel
from dialogs.parsing import MAX_TEXT
from dialogs.render import ChatRenderer
from dialogs.turn import Ask
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
        # Nothing said: the start page explained the service, 999 is in every page's header,
        # the phone route in its footer, and going back and help are buttons (no "Hello").
        session["said"] = []
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


# -- one URL per question, so the browser's Back works -----------------------------------


def step_url(step: Step) -> str:
    """The address of a question's page: /apply/q/name, or /apply/q/incident_date/2."""
    field, index = step
    if index is None:
        return url_for("web.apply_step", field=field)
    return url_for("web.apply_step_in_incident", field=field, number=index + 1)


def _step_token(step: Step) -> str:
    return step[0] if step[1] is None else f"{step[0]}:{step[1] + 1}"


def _step_from_token(token: str) -> Step | None:
    field, _, number = token.partition(":")
    if field not in BY_FIELD:
        return None
    if not number:
        return (field, None)
    return (field, int(number) - 1) if number.isdecimal() and 0 < int(number) <= 99 else None


def _revisitable(dialog: Dialog, step: Step) -> bool:
    """True for a question already answered on the resident's path (the browser's Back)."""
    given = dialog.model.given
    return given.answered(step) and step in set(journey.path(given))


def _ask_at(dialog: Dialog, step: Step) -> tuple[Ask, DialogModel] | None:
    """The question at `step`, as if it were being asked now (the stored dialog is unchanged)."""
    model = DialogModel.from_dict(json.loads(dialog.model.to_json()))
    model.step, model.pending = [step[0], step[1]], None
    ask = Dialog(model).asking()
    return (ask, model) if ask is not None else None


@bp.get("/apply/question")
def apply_question() -> ResponseReturnValue:
    """Where the resident is: a yes or no asked in passing, or a redirect to the question's own
    page, to check your answers, or to the confirmation."""
    current = _current()
    if current is None:
        return redirect(url_for("web.apply_start"))
    dialog, _ = current
    ask = dialog.asking()
    if ask is None:
        return redirect(url_for("web.apply_done"))
    if ask.pending is not None:  # start again? carry on?
        return _question_page(dialog, ask, dialog.model, None)
    step = dialog.model.current
    if step is None:
        return redirect(url_for("web.apply_check"))
    return redirect(step_url(step))


@bp.get("/apply/q/<field>")
def apply_step(field: str) -> ResponseReturnValue:
    """One question's page."""
    return _step_page((field, None))


@bp.get("/apply/q/<field>/<int:number>")
def apply_step_in_incident(field: str, number: int) -> ResponseReturnValue:
    """One question's page, for one incident."""
    return _step_page((field, number - 1) if number >= 1 else ("", None))


def _step_page(step: Step) -> ResponseReturnValue:
    current = _current()
    if current is None:
        return redirect(url_for("web.apply_start"))
    dialog, _ = current
    if dialog.done:
        return redirect(url_for("web.apply_done"))
    at_current = dialog.model.pending is None and dialog.model.current == step
    if step[0] not in BY_FIELD or not (at_current or _revisitable(dialog, step)):
        return redirect(url_for("web.apply_question"))
    found = _ask_at(dialog, step)
    if found is None:
        return redirect(url_for("web.apply_question"))
    ask, model = found
    return _question_page(dialog, ask, model, step, fresh=at_current)


def _question_page(
    dialog: Dialog, ask: Ask, model: DialogModel, step: Step | None, fresh: bool = True
) -> ResponseReturnValue:
    """A question as a form, pre-filled with what the resident gave or last typed."""
    # What was said about the last answer belongs to the page that asks what comes next.
    said = session.pop("said", []) if fresh else []
    problem = session.pop("problem", None) if fresh else None
    renderer = _renderer()
    expects = renderer.expects(ask, model)
    if ask.question is None:  # a yes or no asked in passing (start again?)
        question, hint = renderer.pending_question(ask), ""
    else:
        question, hint = renderer.heading(ask)
        hint = hint or input_for(expects).get("hint", "")
    draft = dialog.model.view.get("draft") or {}
    answer = expects.get("answer")
    value = answer if isinstance(answer, str) else ""
    if step is not None and draft.get("step") == [step[0], step[1]]:
        value = str(draft.get("text") or "")
    picked = answer if isinstance(answer, list) else []
    return render_template(
        "apply_question.html",
        question=question,
        title=expects["title"],
        hint=hint,
        expects=expects,
        field_input=input_for(expects),
        value=value,
        picked=picked,
        step=_step_token(step) if step is not None else "",
        max_length=expects.get("max_length"),
        csrf_token=csrf_token(),
        said=said,
        problem=problem,
        **page_context(),
    )


@bp.get("/apply/check")
def apply_check() -> ResponseReturnValue:
    """Check your answers, with a Change button per answer."""
    current = _current()
    if current is None:
        return redirect(url_for("web.apply_start"))
    dialog, _ = current
    if not dialog.reviewing or dialog.model.pending is not None:
        return redirect(url_for("web.apply_question"))
    sections = sections_of(journey.rows(dialog.model.given))
    context = {"said": session.pop("said", []), "problem": session.pop("problem", None)}
    return render_template("apply_check.html", sections=sections, csrf_token=csrf_token(),
                           incidents=len(dialog.model.incidents), **context,
                           **page_context())  # fmt: skip


def _inbound() -> Inbound:
    """The form post as one inbound value: a command, picked choices, or typed text."""
    command = request.form.get("command", "")
    if command:
        known = _FORM_COMMANDS.get(command)
        return Inbound(command, command=known) if known else Inbound(command)
    if request.form.get("choices_shown"):
        return Inbound(values=tuple(request.form.getlist("choice")))
    return Inbound(request.form.get("answer", ""))


def _left_empty(inbound: Inbound) -> bool:
    """True for a form sent with nothing typed and no option picked."""
    nothing_picked = inbound.values is None or not inbound.values
    return inbound.command is None and nothing_picked and not inbound.text.strip()


def _optional_at(dialog: Dialog, step: Step) -> bool:
    """True when the question at `step` may be left unanswered."""
    asked = _ask_at(dialog, step)
    return asked is not None and asked[0].optional and asked[0].pending is None


def _walk_to(conversation_id: str, dialog: Dialog, step: Step) -> None:
    """Make `step` the question being asked again, as the resident's Back button did: from
    check your answers by its change command, otherwise by going back one question at a time."""
    service = _service()
    if dialog.reviewing:
        row = next((r for r in journey.rows(dialog.model.given) if r.step == step), None)
        if row is not None:
            service.post(conversation_id, Inbound(row.change))
        return
    for _ in range(len(list(journey.path(dialog.model.given)))):
        outcome = service.post(conversation_id, Inbound("back", command=Command.BACK)).outcome
        ask = outcome.ask if outcome is not None else None
        if ask is None or ask.pending is not None or ask.question is None:
            return
        if (ask.field, ask.incident - 1 if ask.incident else None) == step:
            return


@bp.post("/apply/answer")
def apply_answer() -> ResponseReturnValue:
    """Take one answer or command, then show the next page (post, redirect, get)."""
    check_csrf()
    conversation_id = session.get("conversation")
    if not conversation_id:
        return redirect(url_for("web.apply_start"), code=303)
    current = _current()
    if current is None:
        return redirect(url_for("web.apply_start", expired=1), code=303)
    dialog, _ = current
    inbound = _inbound()
    step = _step_from_token(request.form.get("step", "")) or dialog.model.current
    if len(inbound.text) > MAX_ANSWER_CHARS:
        # Refused, but never lost: kept on the server and shown again in its box.
        _service().keep_draft(conversation_id, list(step) if step else None, inbound.text)
        session["problem"] = (
            f"Your answer is {len(inbound.text):,} characters. Answers can be up to "
            f"{MAX_TEXT:,} characters. Make it shorter, then send it again."
        )
        session["said"] = []
        return redirect(step_url(step) if step else url_for("web.apply_question"), code=303)
    try:
        answering = step is not None and step == dialog.model.current
        if (
            step is not None
            and inbound.command is None
            and dialog.model.pending is None
            and step != dialog.model.current
            and _revisitable(dialog, step)
        ):
            _walk_to(conversation_id, dialog, step)
            answering = True
        # Only for the page's own question: a page sent from another tab or after Forward goes
        # to the question being asked, which may be one that must be answered.
        if answering and step and _left_empty(inbound) and _optional_at(dialog, step):
            inbound = Inbound("skip", command=Command.SKIP)  # as GOV.UK forms take it
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
    typed = inbound.command is None and inbound.values is None
    if turn.problem and typed:
        _service().keep_draft(conversation_id, list(step) if step else None, inbound.text)
    elif dialog.model.view.get("draft"):
        _service().keep_draft(conversation_id, None, None)
    target = "web.apply_done" if turn.done else "web.apply_question"
    return redirect(url_for(target), code=303)


# -- error pages for people (the API's errors stay JSON) -------------------------------------

_ERROR_PAGES: dict[int, tuple[str, list[str]]] = {
    400: ("This form has expired", ["Your answers are kept. Go back to your question and send it "
                                    "again."]),
    404: ("Page not found", ["If you typed the web address, check it is correct."]),
    405: ("Page not found", ["If you typed the web address, check it is correct."]),
    413: ("Your answer is too long to send", [
        "Nothing was lost: your answers so far are kept.",
        f"Use your browser's Back button to get your text back, then make it shorter: answers "
        f"can be up to {MAX_TEXT:,} characters.",
    ]),
    429: ("You have sent a lot of answers quickly", [
        "To keep the service safe, wait a minute, then try again. Your answers are kept.",
    ]),
    500: ("Sorry, there is a problem with the service", [
        "Try again later. Your answers so far are kept.",
    ]),
    503: ("Sorry, the service is busy", ["Wait a moment, then try again. Your answers are kept."]),
}  # fmt: skip


def wants_html() -> bool:
    """True for a person's browser on a page, false for the API, SMS and machine routes."""
    if request.blueprint == "web":
        return True
    if request.path.startswith(("/api/", "/sms/", "/health", "/openapi")):
        return False
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes[best] > 0


def error_page(status: int) -> tuple[str, int]:
    """An error as a page with a way back, in plain English."""
    heading, lines = _ERROR_PAGES.get(status, _ERROR_PAGES[500])
    ongoing = bool(session.get("conversation"))
    back_url = url_for("web.apply_question") if ongoing else url_for("web.apply_start")
    back_text = "Go back to your answers" if ongoing else "Go to the start page"
    try:
        context = page_context()
    except Exception:  # the page of last resort must not fail itself
        context = {"service_name": "Ask for a case review", "council_name": "", "logo_url": "",
                   "team_phone": "", "team_name": "", "privacy_url": "#"}  # fmt: skip
    html = render_template("error.html", heading=heading, lines=lines, back_url=back_url,
                           back_text=back_text, **context)  # fmt: skip
    return html, status


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
