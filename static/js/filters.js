// The dashboard's filters and the browser history (issue 13).
// - Typing in the name field asks for results as it goes but replaces the current history entry
//   (the field declares hx-replace-url; the server names the canonical address with HX-Push-Url,
//   so the update is turned into a replace here). A committed change (a select, a date, Enter or
//   "Show", the time slider's release, a legend toggle, a column sort) pushes one entry.
// - One change fires one request: a request for the view already shown is not sent.
// - Legend entries of a stance are toggle buttons (aria-pressed): pressing one filters by that
//   stance, pressing it again shows all. Focus stays on the pressed control after the swap.
(function () {
  "use strict";

  const form = document.getElementById("filters");
  if (!form || !window.htmx) return;
  const nameField = form.querySelector("#q");
  const stanceField = form.querySelector("#stance");

  function canonical(params) {
    const kept = new URLSearchParams();
    params.forEach((value, name) => { if (String(value).trim()) kept.append(name, String(value).trim()); });
    kept.sort();
    return kept.toString();
  }

  function formQuery() {
    return canonical(new FormData(form));
  }

  let shown = formQuery();

  // The name field's own "change" (on blur) is not a second request for what typing asked.
  if (nameField) nameField.addEventListener("change", (event) => event.stopPropagation());
  let refocus = null;

  document.body.addEventListener("htmx:confirm", (event) => {
    const elt = event.detail.elt;
    if (elt !== form && elt !== nameField) return;
    const wanted = formQuery();
    if (wanted === shown) {
      event.preventDefault();
      return;
    }
    shown = wanted;
  });

  // The requests of elements that declare hx-replace-url (the history event names only <body>).
  const replacing = new WeakSet();
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt.hasAttribute("hx-replace-url")) replacing.add(event.detail.xhr);
  });

  document.body.addEventListener("htmx:beforeHistoryUpdate", (event) => {
    const history = event.detail.history;
    if (replacing.has(event.detail.xhr)) history.type = "replace";
    shown = canonical(new URL(history.path, window.location.href).searchParams);
  });

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("button[data-stance]");
    const sort = event.target.closest("a.sort-link");
    if (sort) refocus = `th:nth-child(${sort.closest("th").cellIndex + 1}) a.sort-link`;
    if (!toggle || !stanceField) return;
    refocus = `button[aria-describedby="${toggle.getAttribute("aria-describedby")}"]`;
    stanceField.value = toggle.getAttribute("aria-pressed") === "true" ? "" : toggle.dataset.stance;
    stanceField.dispatchEvent(new Event("change", {bubbles: true}));
  });

  document.body.addEventListener("htmx:afterSettle", () => {
    if (!refocus) return;
    const target = document.querySelector(`#results ${refocus}`);
    refocus = null;
    if (target) target.focus();
  });
})();
