/* The resident's chat, built on the JSON API (contract section 2).
 *
 * New bot messages go into a role="log" live region, so screen readers announce them without
 * focus moving. Each question gets the input that fits its kind. The conversation id is kept
 * in localStorage, so a reload or a reopened tab carries on. Before an idle conversation
 * expires, the resident is warned and can ask for more time (WCAG 2.2.1).
 */
(function () {
  "use strict";

  var root = document.getElementById("chat");
  if (!root) { return; }
  var api = root.getAttribute("data-api");
  var warningSeconds = parseInt(root.getAttribute("data-warning"), 10) || 300;
  var embedded = root.getAttribute("data-embed") === "1";
  var transcript = document.getElementById("transcript");
  var form = document.getElementById("reply");
  var question = document.getElementById("question");
  var finished = document.getElementById("finished");
  var timeout = document.getElementById("timeout");
  var timeoutText = document.getElementById("timeout-text");
  var STORE = "casereview.session";
  var session = null;
  var expects = null;
  var busy = false;
  var timers = [];
  var messageCount = 0;

  // The input each question gets: one table, kept by the server (bot/web.py INPUTS).
  var INPUTS = JSON.parse(root.getAttribute("data-inputs") || "{}");

  // Storage can be refused (private browsing, blocked third-party storage): carry on without.
  function remember(id) { try { localStorage.setItem(STORE, id); } catch (error) { /* ignore */ } }
  function forget() { try { localStorage.removeItem(STORE); } catch (error) { /* ignore */ } }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
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

  function say(from, text, problem) {
    messageCount += 1;
    var id = "message-" + messageCount;
    var box = element("div", { "class": "message message-" + from + (problem ? " message-problem" : ""), id: id });
    box.appendChild(element("span", { "class": "visually-hidden" }, from === "bot" ? "The service said: " : "You said: "));
    text.split("\n").forEach(function (line) { box.appendChild(element("p", {}, line)); });
    transcript.appendChild(box);
    transcript.scrollTop = transcript.scrollHeight;
    return id;
  }

  function focusInput() {
    var target = question.querySelector("input:not([type=hidden]), textarea, button");
    if (target) { target.focus({ preventScroll: false }); }
  }

  function fieldFor(kind, field) {
    return INPUTS[field] || INPUTS[kind] || INPUTS.short_text || { type: "text" };
  }

  function buildQuestion(turnExpects, lastMessageId, problem) {
    question.textContent = "";
    expects = turnExpects;
    if (!expects) { return; }
    var describedBy = lastMessageId;
    if (expects.kind === "choice" || expects.kind === "yes_no") {
      var group = element("fieldset", { "class": "choice-group", "aria-describedby": describedBy });
      group.appendChild(element("legend", { "class": "visually-hidden" }, "Choose an answer"));
      expects.choices.forEach(function (choice) {
        var button = element("button", { type: "button", "class": "button button-choice" }, choice.label);
        button.addEventListener("click", function () { send(choice.label, [choice.value]); });
        group.appendChild(button);
      });
      question.appendChild(group);
      if (expects.optional) { question.appendChild(skipButton()); }
      // The same front door after a review: the first question also offers the appeal.
      if (expects.field === "consent") {
        var appeal = element("button", { type: "button", "class": "button button-secondary" }, "Appeal or escalate a review");
        appeal.addEventListener("click", function () { send("I want to appeal the outcome"); });
        question.appendChild(appeal);
      }
      return;
    }
    if (expects.kind === "multi_choice") {
      var set = element("fieldset", { "class": "checkboxes", "aria-describedby": describedBy });
      set.appendChild(element("legend", { "class": "legend" }, "Choose all that apply"));
      expects.choices.forEach(function (choice, index) {
        var row = element("div", { "class": "option" });
        var id = "choice-" + index;
        row.appendChild(element("input", { "class": "option-input", type: "checkbox", id: id, value: choice.value, "data-label": choice.label }));
        row.appendChild(element("label", { "class": "option-label", "for": id }, choice.label));
        set.appendChild(row);
      });
      question.appendChild(set);
      question.appendChild(element("button", { type: "submit", "class": "button" }, "Send"));
      return;
    }
    var spec = fieldFor(expects.kind, expects.field);
    var group2 = element("div", { "class": "form-group" + (problem ? " form-group-error" : "") });
    group2.appendChild(element("label", { "for": "answer", "class": "label" }, "Your answer"));
    var hintId = "";
    if (spec.hint) {
      hintId = "answer-hint";
      group2.appendChild(element("p", { "class": "hint", id: hintId }, spec.hint));
    }
    var input = element(spec.element || "input", { id: "answer", name: "answer", "class": spec.element === "textarea" ? "textarea" : "input" + (spec["class"] ? " " + spec["class"] : "") });
    if (!spec.element) { input.setAttribute("type", spec.type); }
    if (spec.rows) { input.setAttribute("rows", spec.rows); }
    if (spec.autocomplete) { input.setAttribute("autocomplete", spec.autocomplete); }
    if (spec.inputmode) { input.setAttribute("inputmode", spec.inputmode); }
    input.setAttribute("aria-describedby", (describedBy + " " + hintId).trim());
    if (problem) { input.setAttribute("aria-invalid", "true"); }
    group2.appendChild(input);
    question.appendChild(group2);
    var buttons = element("div", { "class": "button-group" });
    buttons.appendChild(element("button", { type: "submit", "class": "button" }, "Send"));
    if (expects.optional) { buttons.appendChild(skipButton()); }
    if (expects.kind === "confirm") {
      var confirm = element("button", { type: "button", "class": "button" }, "Send my request");
      confirm.addEventListener("click", function () { send("yes"); });
      buttons.insertBefore(confirm, buttons.firstChild);
      buttons.lastChild.textContent = "Send change";
    }
    question.appendChild(buttons);
  }

  function skipButton() {
    var skip = element("button", { type: "button", "class": "button button-secondary" }, "Skip");
    skip.addEventListener("click", function () { send("skip"); });
    return skip;
  }

  function show(turn) {
    var lastId = "";
    (turn.messages || []).forEach(function (message, index) {
      var isProblem = turn.problem && index === 0;
      lastId = say("bot", message.text, isProblem);
    });
    buildQuestion(turn.expects, lastId, turn.problem);
    var done = turn.done;
    form.hidden = done;
    finished.hidden = !done;
    if (done) {
      forget();
      clearTimers();
      document.getElementById("print").focus();
    }
    schedule(turn.expires_at);
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
    if (busy || !session) { return; }
    busy = true;
    root.setAttribute("aria-busy", "true");
    say("you", text === "" ? "(no answer)" : text);
    var body = values ? { text: text, values: values } : { text: text };
    request("POST", "/sessions/" + encodeURIComponent(session) + "/messages", body)
      .then(function (result) {
        if (result.status === 200) {
          show(result.data);
          if (!result.data.done) { focusInput(); }
        } else if (result.status === 404) {
          expired(result.data);
        } else {
          say("bot", (result.data.error && result.data.error.message) || "Something went wrong. Please try again.", true);
          focusInput();
        }
      })
      .catch(function () {
        say("bot", "We could not reach the service. Check your connection and send that again.", true);
        focusInput();
      })
      .then(function () { busy = false; root.removeAttribute("aria-busy"); });
  }

  function expired(data) {
    clearTimers();
    forget();
    session = null;
    timeout.hidden = true;
    say("bot", (data && data.error && data.error.message) || "This conversation has ended.");
    form.hidden = true;
    finished.hidden = false;
    document.getElementById("print").hidden = true;
    document.getElementById("new").focus();
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
        say("bot", "You have more time. Your answers are kept.");
        schedule(result.data.expires_at);
        focusInput();
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
    start();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && embedded && window.parent !== window) {
      window.parent.postMessage({ type: "casereview:close" }, "*");
    }
  });
  window.addEventListener("focus", function () {
    if (embedded && document.activeElement === document.body) { focusInput(); }
  });

  function start() {
    request("POST", "/sessions", {}).then(function (result) {
      if (result.status !== 201) {
        say("bot", "The service is not available just now. Please try again later, or call us.", true);
        return;
      }
      session = result.data.session_id;
      remember(session);
      form.hidden = false;
      finished.hidden = true;
      show(result.data);
      if (embedded) { focusInput(); }
    });
  }

  function resume(id) {
    request("GET", "/sessions/" + encodeURIComponent(id)).then(function (result) {
      if (result.status !== 200 || result.data.done) {
        forget();
        start();
        return;
      }
      session = id;
      var lastId = "";
      result.data.transcript.forEach(function (line) { lastId = say(line.from === "bot" ? "bot" : "you", line.text); });
      show({ messages: [], expects: result.data.expects, done: false, expires_at: result.data.expires_at });
      buildQuestion(result.data.expects, lastId, null);
    });
  }

  root.hidden = false;
  var saved = null;
  try { saved = localStorage.getItem(STORE); } catch (error) { saved = null; }
  if (saved) { resume(saved); } else { start(); }
})();
