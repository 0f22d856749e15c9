// The "link to this page" box shows the address actually open (it keeps ?rev= and ?as_of=),
// and the copy button (static/js/copy.js) is shown only when scripts run.
document.querySelectorAll("input[data-current-url]").forEach((input) => {
  input.value = window.location.href.split("#")[0];
});
document.querySelectorAll("button.copy-link[hidden]").forEach((button) => {
  button.hidden = false;
});
