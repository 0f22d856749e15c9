// Admin pages: send the session's CSRF token (from <meta name="csrf-token">) with every htmx
// request, so inline validation and other htmx writes pass the server's CSRF check.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
  }
});

// GOV.UK error summary: a form that came back with problems takes focus at its summary, so
// the curator (and a screen reader) starts from the list of what to fix.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

// "New source" fields are shown only while "A new source" is the chosen source.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.matches || !select.matches("select[name=source_id]")) {
    return;
  }
  var fields = select.form && select.form.querySelector("[data-new-source]");
  if (fields) {
    fields.hidden = select.value !== "new";
  }
});
