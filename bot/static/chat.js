/* The resident's chat, built on the JSON API (contract section 2).
 *
 * What screen readers hear, and why:
 * - The question is the visible label (or legend, or the description of its buttons) of its
 *   control, outside the conversation, so it is read once, when focus moves to it.
 * - #feedback is the only live region: it carries what was said about the last answer
 *   ("I have 2 November", or what is wrong). Nothing that contains it is ever aria-busy
 *   (NVDA drops updates made under busy).
 * - The conversation so far is not live, so a reload shows it again and announces nothing.
 * - Errors are linked to their field with aria-describedby and aria-invalid, and the answer
 *   stays in the box.
 * - At the end a panel with the reference takes focus.
 * The conversation id is kept in localStorage, so a reload carries on. Before an idle
 * conversation expires, the resident is warned and can ask for more time (WCAG 2.2.1).
 */
(function () {
  "use strict";

  var root = document.getElementById("chat");
  if (!root) { return; }
  var api = root.getAttribute("data-api");
  var warningSeconds = parseInt(root.getAttribute("data-warning"), 10) || 300;
  var embedded = root.getAttribute("data-embed") === "1";
  var serviceName = root.getAttribute("data-service") || document.title;
  var transcript = document.getElementById("transcript");
  var feedback = document.getElementById("feedback");
  var form = document.getElementById("reply");
  var question = document.getElementById("question");
  var finished = document.getElementById("finished");
  var outcomeBox = document.getElementById("outcome");
  var timeout = document.getElementById("timeout");
  var timeoutText = document.getElementById("timeout-text");
  var STORE = "casereview.session";
  var session = null;
  var expects = null;
  var waiting = false;
  var timers = [];
  var turns = 0;
  var recorded = false;  // the current question is already in the conversation so far

  // The input each question gets: one table, kept by the server (bot/web.py INPUTS).
  var INPUTS = JSON.parse(root.getAttribute("data-inputs") || "{}");

  // Storage can be refused (private browsing, blocked third-party storage): carry on without.
  function remember(id) { try { localStorage.setItem(STORE, id); } catch (error) { /* ignore */ } }
  function forget() { try { localStorage.removeItem(STORE); } catch (error) { /* ignore */ } }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (attributes[key] !== null && attributes[key] !== undefined && attributes[key] !== "") {
        node.setAttribute(key, attributes[key]);
      }
    });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function paragraphs(parent, text, className) {
    text.split("\n").forEach(function (line) {
      parent.appendChild(element("p", { "class": className || "govuk-body" }, line));
    });
  }

  function request(method, path, body) {
    return fetch(api + path, {
      method: method,
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  // -- the conversation so far (not live) ----------------------------------------------------

  function record(from, text) {
    var box = element("div", { "class": "message message-" + from });
    box.appendChild(element("span", { "class": "govuk-visually-hidden" }, from === "bot" ? "The service said: " : "You said: "));
    paragraphs(box, text, "message-line");
    transcript.appendChild(box);
    transcript.scrollTop = transcript.scrollHeight;
  }

  // -- feedback (the one live region) --------------------------------------------------------

  function announce(lines, problem) {
    feedback.textContent = "";
    lines.forEach(function (line) {
      var isProblem = problem && line === problem;
      var p = element("p", { "class": isProblem ? "govuk-error-message" : "govuk-body" });
      if (isProblem) { p.appendChild(element("span", { "class": "govuk-visually-hidden" }, "Error: ")); }
      p.appendChild(document.createTextNode(line));
      feedback.appendChild(p);
    });
  }

  // -- the question as real controls -----------------------------------------------------------

  function fieldFor(kind, field) {
    return INPUTS[field] || INPUTS[kind] || INPUTS.short_text || { type: "text" };
  }

  function ids(list) { return list.filter(function (id) { return id; }).join(" ") || null; }

  function hintAndError(parent, problem) {
    var hintId = null;
    if (expects.hint) {
      hintId = "question-hint";
      parent.appendChild(element("div", { "class": "govuk-hint", id: hintId }, expects.hint));
    }
    var error = element("p", { "class": "govuk-error-message", id: "question-error" });
    error.hidden = !problem;
    setError(error, problem);
    parent.appendChild(error);
    return hintId;
  }

  function setError(node, problem) {
    node.textContent = "";
    if (problem) {
      node.appendChild(element("span", { "class": "govuk-visually-hidden" }, "Error: "));
      node.appendChild(document.createTextNode(problem));
    }
    node.hidden = !problem;
  }

  function actionButton(label, command, secondary) {
    var button = element("button", { type: "button", "class": "govuk-button" + (secondary ? " govuk-button--secondary" : "") }, label);
    button.addEventListener("click", function () { send(command); });
    return button;
  }

  function buildChoices(problem) {
    // Buttons, each described by the question: focus on one reads the question once.
    var group = element("div", { "class": "govuk-form-group", id: "question-group" });
    group.appendChild(element("h2", { "class": "govuk-heading-m", id: "question-text" }, expects.question));
    var hintId = hintAndError(group, problem);
    var buttons = element("div", { "class": "choice-group" });
    var picked = expects.answer || [];
    expects.choices.forEach(function (choice) {
      var button = element("button", {
        type: "button", "class": "govuk-button govuk-button--secondary button-choice",
        "aria-describedby": ids(["question-text", hintId, problem ? "question-error" : ""]),
        "aria-current": picked.indexOf(choice.value) >= 0 ? "true" : null
      }, choice.label);
      if (picked.indexOf(choice.value) >= 0) {  // changing an answer: the one given now
        button.appendChild(element("span", { "class": "govuk-visually-hidden" }, " (your answer now)"));
      }
      button.addEventListener("click", function () { send(choice.label, [choice.value]); });
      buttons.appendChild(button);
    });
    group.appendChild(buttons);
    question.appendChild(group);
    extras();
    // The same front door after a review: the first question also offers the appeal.
    if (expects.field === "consent" && !expects.pending) {
      var more = element("div", { "class": "govuk-button-group" });
      more.appendChild(actionButton("Appeal or escalate a review", "I want to appeal the outcome", true));
      question.appendChild(more);
    }
  }

  function buildBoxes(problem) {
    var group = element("div", { "class": "govuk-form-group", id: "question-group" });
    var fieldset = element("fieldset", { "class": "govuk-fieldset" });
    var legend = element("legend", { "class": "govuk-fieldset__legend govuk-fieldset__legend--m" });
    legend.appendChild(element("span", { id: "question-text" }, expects.question));
    fieldset.appendChild(legend);
    var hintId = hintAndError(fieldset, problem);
    fieldset.setAttribute("aria-describedby", ids([hintId, problem ? "question-error" : ""]) || "question-text");
    var boxes = element("div", { "class": "govuk-checkboxes govuk-checkboxes--small", "data-module": "govuk-checkboxes" });
    var picked = expects.answer || [];
    expects.choices.forEach(function (choice, index) {
      var row = element("div", { "class": "govuk-checkboxes__item" });
      var id = "choice-" + index;
      var box = element("input", { "class": "govuk-checkboxes__input", type: "checkbox", id: id, value: choice.value, "data-label": choice.label });
      box.checked = picked.indexOf(choice.value) >= 0;
      if (problem) { box.setAttribute("aria-invalid", "true"); }
      row.appendChild(box);
      row.appendChild(element("label", { "class": "govuk-label govuk-checkboxes__label", "for": id }, choice.label));
      boxes.appendChild(row);
    });
    fieldset.appendChild(boxes);
    group.appendChild(fieldset);
    question.appendChild(group);
    var buttons = element("div", { "class": "govuk-button-group" });
    buttons.appendChild(element("button", { type: "submit", "class": "govuk-button" }, "Send"));
    question.appendChild(buttons);
  }

  function buildTyped(problem) {
    var spec = fieldFor(expects.kind, expects.field);
    var group = element("div", { "class": "govuk-form-group", id: "question-group" });
    var label = element("label", { "for": "answer", "class": "govuk-label govuk-label--m" });
    label.appendChild(element("span", { id: "question-text" }, expects.question));
    group.appendChild(label);
    if (!expects.hint && spec.hint) { expects.hint = spec.hint; }
    var hintId = hintAndError(group, problem);
    var textarea = spec.element === "textarea";
    var input = element(textarea ? "textarea" : "input", {
      id: "answer", name: "answer",
      "class": textarea ? "govuk-textarea" : "govuk-input" + (spec["class"] === "input-short" ? " govuk-input--width-10" : spec["class"] === "input-medium" ? " govuk-input--width-20" : ""),
      type: textarea ? null : spec.type, rows: spec.rows, autocomplete: spec.autocomplete,
      inputmode: spec.inputmode, spellcheck: spec.spellcheck
    });
    var countId = null;
    if (expects.max_length) {
      countId = "answer-count";
      group.classList.add("govuk-character-count");
    }
    input.setAttribute("aria-describedby", ids([hintId, problem ? "question-error" : "", countId]) || "");
    if (!input.getAttribute("aria-describedby")) { input.removeAttribute("aria-describedby"); }
    if (problem) { input.setAttribute("aria-invalid", "true"); input.classList.add(textarea ? "govuk-textarea--error" : "govuk-input--error"); }
    if (typeof expects.answer === "string") { input.value = expects.answer; }
    group.appendChild(input);
    if (countId) {
      // The limit is said once (described by); the count shows as the resident types.
      var count = element("div", { "class": "govuk-hint govuk-character-count__message", id: countId });
      group.appendChild(count);
      var update = function () { showCount(input, count); };
      input.addEventListener("input", update);
      update();
    }
    question.appendChild(group);
    var buttons = element("div", { "class": "govuk-button-group" });
    buttons.appendChild(element("button", { type: "submit", "class": "govuk-button" }, "Send"));
    question.appendChild(buttons);
    extras(buttons);
  }

  function showCount(input, count) {
    var limit = expects.max_length;
    var left = limit - input.value.length;
    var over = left < 0;
    count.textContent = over
      ? "You have " + (-left).toLocaleString("en-GB") + " character" + (left === -1 ? "" : "s") + " too many"
      : "You can enter up to " + limit.toLocaleString("en-GB") + " characters. " + left.toLocaleString("en-GB") + " left.";
    count.classList.toggle("govuk-error-message", over);
    count.classList.toggle("govuk-hint", !over);
  }

  // "Not sure" and "Skip" are buttons where they are real answers.
  function extras(into) {
    var box = into || element("div", { "class": "govuk-button-group" });
    if (expects.unsure) { box.appendChild(actionButton("Not sure", "not sure", true)); }
    if (expects.optional) { box.appendChild(actionButton("Skip", "skip", true)); }
    if (!into && box.childNodes.length) { question.appendChild(box); }
  }

  function buildReview() {
    var top = element("div", { id: "question-group" });
    top.appendChild(element("h2", { "class": "govuk-heading-m", id: "question-text", tabindex: "-1" }, expects.question));
    (expects.review || []).forEach(function (section) {
      top.appendChild(element("h3", { "class": "govuk-heading-s" }, section.section));
      var list = element("dl", { "class": "govuk-summary-list" });
      section.rows.forEach(function (row) {
        var line = element("div", { "class": "govuk-summary-list__row" });
        line.appendChild(element("dt", { "class": "govuk-summary-list__key" }, row.label));
        var value = element("dd", { "class": "govuk-summary-list__value" });
        paragraphs(value, row.value, "summary-line");
        line.appendChild(value);
        var actions = element("dd", { "class": "govuk-summary-list__actions" });
        var change = element("button", { type: "button", "class": "link-button" }, "Change");
        change.appendChild(element("span", { "class": "govuk-visually-hidden" }, " " + row.label.toLowerCase() + (section.section.indexOf("Incident") === 0 ? " for " + section.section.toLowerCase() : "")));
        change.addEventListener("click", function () { send(row.change); });
        actions.appendChild(change);
        line.appendChild(actions);
        list.appendChild(line);
      });
      top.appendChild(list);
      if (section.remove) {
        var remove = element("button", { type: "button", "class": "link-button" }, "Remove " + section.section.toLowerCase());
        remove.addEventListener("click", function () { send(section.remove); });
        top.appendChild(element("p", { "class": "govuk-body" })).appendChild(remove);
      }
    });
    question.appendChild(top);
    var buttons = element("div", { "class": "govuk-button-group" });
    buttons.appendChild(actionButton("Send my request", "yes"));
    buttons.appendChild(actionButton("Add another incident", "add incident", true));
    question.appendChild(buttons);
  }

  function buildIncidents() {
    // The "add another" pattern: the incidents so far, before asking for another.
    var list = element("dl", { "class": "govuk-summary-list", "aria-label": "Incidents so far" });
    expects.incidents.forEach(function (incident) {
      var row = element("div", { "class": "govuk-summary-list__row" });
      row.appendChild(element("dt", { "class": "govuk-summary-list__key" }, "Incident " + incident.number));
      row.appendChild(element("dd", { "class": "govuk-summary-list__value" }, incident.date + ". " + incident.description));
      list.appendChild(row);
    });
    var wrap = element("div", { "class": "incidents-so-far" });
    wrap.appendChild(element("h2", { "class": "govuk-heading-s" }, "Incidents so far"));
    wrap.appendChild(list);
    question.appendChild(wrap);
  }

  function buildQuestion(turnExpects, problem) {
    question.textContent = "";
    recorded = false;
    expects = turnExpects;
    if (!expects) { return; }
    document.title = (expects.title || expects.question) + " - " + serviceName;
    if (expects.incidents && expects.incidents.length) { buildIncidents(); }
    if (expects.kind === "confirm") {
      buildReview();
    } else if (expects.kind === "choice" || expects.kind === "yes_no") {
      buildChoices(problem);
    } else if (expects.kind === "multi_choice") {
      buildBoxes(problem);
    } else {
      buildTyped(problem);
    }
  }

  function sameQuestion(next) {
    return expects && next && expects.field === next.field && expects.incident === next.incident &&
      expects.kind === next.kind && expects.question === next.question;
  }

  // A wrong answer: the same controls, marked in place, so focus and the typed text stay.
  function markProblem(problem) {
    var group = document.getElementById("question-group");
    var error = document.getElementById("question-error");
    if (!group || !error) { return; }
    group.classList.add("govuk-form-group--error");
    setError(error, problem);
    question.querySelectorAll("input, textarea").forEach(function (input) {
      input.setAttribute("aria-invalid", "true");
      if (input.id === "answer") {
        input.classList.add(input.tagName === "TEXTAREA" ? "govuk-textarea--error" : "govuk-input--error");
        input.setAttribute("aria-describedby", ids([document.getElementById("question-hint") ? "question-hint" : "", "question-error", document.getElementById("answer-count") ? "answer-count" : ""]));
      }
    });
    var fieldset = question.querySelector("fieldset");
    if (fieldset) { fieldset.setAttribute("aria-describedby", ids([document.getElementById("question-hint") ? "question-hint" : "", "question-error"])); }
    question.querySelectorAll(".button-choice").forEach(function (button) {
      button.setAttribute("aria-describedby", ids(["question-text", document.getElementById("question-hint") ? "question-hint" : "", "question-error"]));
    });
  }

  function focusQuestion() {
    var target = question.querySelector("#question-text[tabindex]") ||
      question.querySelector("input:not([type=hidden]), textarea, button");
    if (target) { target.focus(); }
  }

  function show(turn, moveFocus) {
    var lines = turn.feedback || [];
    var problem = turn.problem || null;
    if (turn.done) {
      finish(turn, lines);
    } else {
      lines.forEach(function (line) { record("bot", line); });
      if (problem && sameQuestion(turn.expects)) {
        markProblem(problem);
      } else {
        buildQuestion(turn.expects, problem);
        if (moveFocus) { focusQuestion(); }
      }
      announce(lines, problem);
    }
    schedule(turn.expires_at);
    turns += 1;
    root.setAttribute("data-turns", String(turns));
  }

  function finish(turn, lines) {
    expects = null;
    question.textContent = "";
    form.hidden = true;
    finished.hidden = false;
    outcomeBox.textContent = "";
    forget();
    clearTimers();
    var target;
    if (turn.reference) {
      var panel = element("div", { "class": "govuk-panel govuk-panel--confirmation", tabindex: "-1", id: "confirmation" });
      panel.appendChild(element("h2", { "class": "govuk-panel__title" }, "Request sent"));
      var body = element("div", { "class": "govuk-panel__body" }, "Your reference number");
      body.appendChild(element("br"));
      body.appendChild(element("strong", { "class": "reference" }, turn.reference));
      panel.appendChild(body);
      outcomeBox.appendChild(panel);
      target = panel;
      lines = lines.slice(1);  // the first line says the reference, which the panel shows
      document.title = "Request sent - " + serviceName;
    } else {
      target = element("h2", { "class": "govuk-heading-m", tabindex: "-1" }, "Nothing has been sent");
      outcomeBox.appendChild(target);
      document.getElementById("print").hidden = true;
      document.title = "Nothing has been sent - " + serviceName;
    }
    lines.forEach(function (line) { paragraphs(outcomeBox, line); });
    feedback.textContent = "";
    target.focus();
  }

  // Ticked boxes are sent as their values, read as they are: never joined into text to parse.
  function pickedBoxes() {
    var values = [];
    var labels = [];
    question.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
      values.push(box.value);
      labels.push(box.getAttribute("data-label"));
    });
    return { values: values, text: labels.join(", ") };
  }

  function submitAnswer() {
    if (expects && expects.kind === "multi_choice") {
      var picked = pickedBoxes();
      send(picked.text, picked.values);
      return;
    }
    var input = document.getElementById("answer");
    send(input ? input.value : "");
  }

  function send(text, values) {
    if (waiting || !session) { return; }
    waiting = true;
    var asked = expects && !recorded ? expects.question : "";
    var body = values ? { text: text, values: values } : { text: text };
    request("POST", "/sessions/" + encodeURIComponent(session) + "/messages", body)
      .then(function (result) {
        if (result.status === 200) {
          // The question moves into the conversation so far once it has been answered.
          if (asked) { record("bot", asked); recorded = true; }
          record("you", text === "" ? "(no answer)" : text);
          show(result.data, true);
        } else if (result.status === 404) {
          expired(result.data);
        } else {
          // Refused (too long, too fast): the answer stays in the box to correct and send.
          var message = (result.data.error && result.data.error.message) || "Something went wrong. Please try again.";
          markProblem(message);
          announce([message], message);
        }
      })
      .catch(function () {
        var message = "We could not reach the service. Check your connection and send that again.";
        markProblem(message);
        announce([message], message);
      })
      .then(function () { waiting = false; });
  }

  function expired(data) {
    clearTimers();
    forget();
    session = null;
    timeout.hidden = true;
    form.hidden = true;
    finished.hidden = false;
    outcomeBox.textContent = "";
    var heading = element("h2", { "class": "govuk-heading-m", tabindex: "-1" }, "Your answers were deleted");
    outcomeBox.appendChild(heading);
    paragraphs(outcomeBox, (data && data.error && data.error.message) || "This conversation has ended.");
    document.getElementById("print").hidden = true;
    heading.focus();
  }

  function clearTimers() {
    timers.forEach(function (timer) { clearTimeout(timer); });
    timers = [];
  }

  function schedule(expiresAt) {
    clearTimers();
    if (!expiresAt) { return; }
    var ends = new Date(expiresAt).getTime();
    var warnAt = ends - warningSeconds * 1000;
    timers.push(setTimeout(function () { warn(ends); }, Math.max(0, warnAt - Date.now())));
    timers.push(setTimeout(function () {
      request("GET", "/sessions/" + encodeURIComponent(session)).then(function (result) {
        if (result.status !== 200) { expired(result.data); }
      });
    }, Math.max(0, ends - Date.now() + 1000)));
  }

  function warn(ends) {
    var time = new Date(ends).toLocaleTimeString("en-GB", { hour: "numeric", minute: "2-digit" });
    timeoutText.textContent = "To protect your privacy, we will delete your answers at " + time +
      " if you do not reply. Nothing has been sent yet.";
    timeout.hidden = false;
    document.getElementById("extend").focus();
  }

  document.getElementById("extend").addEventListener("click", function () {
    request("POST", "/sessions/" + encodeURIComponent(session) + "/extend", {}).then(function (result) {
      if (result.status === 200) {
        timeout.hidden = true;
        announce(["You have more time. Your answers are kept."]);
        schedule(result.data.expires_at);
        focusQuestion();
      } else {
        expired(result.data);
      }
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submitAnswer();
  });
  form.querySelectorAll("[data-command]").forEach(function (button) {
    button.addEventListener("click", function () { send(button.getAttribute("data-command")); });
  });
  document.getElementById("print").addEventListener("click", function () { window.print(); });
  document.getElementById("new").addEventListener("click", function () {
    transcript.textContent = "";
    document.getElementById("print").hidden = false;
    start(true);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && embedded && window.parent !== window) {
      window.parent.postMessage({ type: "casereview:close" }, "*");
    }
  });
  window.addEventListener("focus", function () {
    if (embedded && document.activeElement === document.body) { focusQuestion(); }
  });

  function start(moveFocus) {
    request("POST", "/sessions", {}).then(function (result) {
      if (result.status !== 201) {
        announce(["The service is not available just now. Please try again later, or call us."]);
        return;
      }
      session = result.data.session_id;
      remember(session);
      form.hidden = false;
      finished.hidden = true;
      // The welcome is part of the page, read in order; it is not announced.
      (result.data.feedback || []).forEach(function (line) { record("bot", line); });
      buildQuestion(result.data.expects, null);
      schedule(result.data.expires_at);
      turns += 1;
      root.setAttribute("data-turns", String(turns));
      if (moveFocus || embedded) { focusQuestion(); }
    });
  }

  function resume(id) {
    request("GET", "/sessions/" + encodeURIComponent(id)).then(function (result) {
      if (result.status !== 200 || result.data.done) {
        forget();
        start(false);
        return;
      }
      session = id;
      // Shown again, but not live: nothing is read out, personal details included. The
      // question being asked is shown once, as the label of its control.
      var lines = result.data.transcript.slice();
      var asking = result.data.expects && result.data.expects.question;
      while (lines.length && lines[lines.length - 1].from === "bot" && asking &&
             lines[lines.length - 1].text.indexOf(asking) >= 0) { lines.pop(); }
      lines.forEach(function (line) { record(line.from === "bot" ? "bot" : "you", line.text); });
      buildQuestion(result.data.expects, null);
      schedule(result.data.expires_at);
      turns += 1;
      root.setAttribute("data-turns", String(turns));
      if (embedded) { focusQuestion(); }
    });
  }

  root.hidden = false;
  var saved = null;
  try { saved = localStorage.getItem(STORE); } catch (error) { saved = null; }
  if (saved) { resume(saved); } else { start(false); }
})();
