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

// Annotate: the selected text's offsets in the article (its text is exactly the stored text)
// open the citation form prefilled with that span.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("#cite-selection");
  var article = document.getElementById("article");
  var selection = window.getSelection();
  if (!button || !article || !selection || selection.rangeCount === 0) {
    return;
  }
  var range = selection.getRangeAt(0);
  if (!article.contains(range.startContainer) || !article.contains(range.endContainer)) {
    return;
  }
  // Offsets count from the sentence holding the point (its data-start is its place in the
  // stored text), so nothing outside a sentence can shift them.
  var offset = function (node, at) {
    var element = node.nodeType === 1 ? node : node.parentElement;
    var sentence = element && element.closest(".sentence");
    var before = document.createRange();
    before.setStart(sentence || article, 0);
    before.setEnd(node, at);
    return (sentence ? Number(sentence.dataset.start) : 0) + before.toString().length;
  };
  var start = offset(range.startContainer, range.startOffset);
  var end = offset(range.endContainer, range.endOffset);
  window.location.href = button.dataset.annotateUrl + "?start=" + start + "&end=" + end + "#cite";
});
