/* casereview chat widget: add it to a page with one script tag. Settings come from the server. */
(function () {
  "use strict";
  var settings = {{ settings|tojson }};
  if (window.casereviewWidget) { return; }
  window.casereviewWidget = true;
  if (settings.origins.indexOf(window.location.origin) === -1) {
    if (window.console) {
      window.console.warn("casereview: " + window.location.origin + " may not embed this chat. Add it to EMBED_ORIGINS.");
    }
    return;
  }
  var chatOrigin = new URL(settings.chatUrl).origin;

  function style(element, rules) {
    Object.keys(rules).forEach(function (key) { element.style[key] = rules[key]; });
    return element;
  }

  var launcher = style(document.createElement("button"), {
    position: "fixed", right: "16px", bottom: "16px", zIndex: "2147483000", minHeight: "48px",
    padding: "10px 18px", border: "2px solid " + settings.textColour, borderRadius: "24px",
    background: settings.colour, color: settings.textColour, font: "bold 19px/1.3 Arial, sans-serif",
    cursor: "pointer", boxShadow: "0 2px 6px rgba(0,0,0,.3)"
  });
  launcher.type = "button";
  launcher.className = "casereview-launcher";
  launcher.textContent = settings.label;
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "casereview-panel");

  var panel = style(document.createElement("div"), {
    position: "fixed", right: "16px", bottom: "80px", zIndex: "2147483001",
    width: "min(420px, calc(100vw - 32px))", height: "min(680px, calc(100vh - 100px))",
    background: "#ffffff", border: "2px solid #0b0c0c", boxShadow: "0 4px 12px rgba(0,0,0,.35)",
    display: "none", flexDirection: "column"
  });
  panel.id = "casereview-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", settings.title);

  var bar = style(document.createElement("div"), {
    display: "flex", alignItems: "center", justifyContent: "space-between", gap: "8px",
    padding: "6px 8px 6px 12px", background: settings.colour, color: settings.textColour,
    font: "bold 16px/1.3 Arial, sans-serif"
  });
  var heading = document.createElement("span");
  heading.textContent = settings.title;
  var close = style(document.createElement("button"), {
    minWidth: "44px", minHeight: "44px", border: "2px solid " + settings.textColour, borderRadius: "4px",
    background: "transparent", color: settings.textColour, font: "bold 16px Arial, sans-serif", cursor: "pointer"
  });
  close.type = "button";
  close.className = "casereview-close";
  close.textContent = "Close";
  close.setAttribute("aria-label", "Close the chat");
  bar.appendChild(heading);
  bar.appendChild(close);

  var frame = style(document.createElement("iframe"), { flex: "1", width: "100%", border: "0" });
  frame.title = settings.title;
  frame.className = "casereview-frame";
  panel.appendChild(bar);
  panel.appendChild(frame);

  function narrow() { return window.innerWidth < 480; }
  // On a phone the panel fills the screen, so it is modal: the council page behind it is
  // inert (Tab cannot reach what is hidden, WCAG 2.4.11), and Tab goes round from Close
  // through the chat and back to Close.
  function modal(on) {
    Array.prototype.forEach.call(document.body.children, function (child) {
      if (child === panel) { return; }
      if (on && !child.inert) {
        child.inert = true;
        child.setAttribute("data-casereview-inert", "");
      } else if (!on && child.hasAttribute("data-casereview-inert")) {
        child.inert = false;
        child.removeAttribute("data-casereview-inert");
      }
    });
    if (on) { panel.setAttribute("aria-modal", "true"); } else { panel.removeAttribute("aria-modal"); }
  }
  function open() {
    if (!frame.src) { frame.src = settings.chatUrl; }
    if (narrow()) {
      // 100dvh where it is known: 100vh puts Send under a phone browser's bar.
      style(panel, { right: "0", bottom: "0", width: "100vw", height: "100vh", border: "0" });
      panel.style.height = "100dvh";
      modal(true);
    }
    panel.style.display = "flex";
    launcher.setAttribute("aria-expanded", "true");
    frame.focus();
  }
  function shut() {
    modal(false);
    panel.style.display = "none";
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  launcher.addEventListener("click", function () {
    if (panel.style.display === "none") { open(); } else { shut(); }
  });
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { shut(); }
  });
  window.addEventListener("message", function (event) {
    if (event.origin === chatOrigin && event.data && event.data.type === "casereview:close") { shut(); }
  });
  function mount() {
    document.body.appendChild(launcher);  // then the panel, so Tab goes from one into the other
    document.body.appendChild(panel);
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
