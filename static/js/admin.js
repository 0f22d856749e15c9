// Admin pages: send the session's CSRF token (from <meta name="csrf-token">) with every htmx
// request, so inline validation and other htmx writes pass the server's CSRF check.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
  }
});
