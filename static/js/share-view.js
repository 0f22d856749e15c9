// "Share this view" on the dashboard: the box always holds the address of what is shown, filters
// included (HTMX pushes a new address after each filter change; Back and Forward restore one).
// The copy button itself is handled by static/js/copy.js.
(function () {
  "use strict";

  function sync() {
    document.querySelectorAll("input[data-share-view]").forEach((input) => {
      input.value = window.location.href.split("#")[0];
      const button = document.querySelector(`[data-copy-target="${input.id}"]`);
      if (button) {
        button.hidden = false;
        button.textContent = "Copy link to this view";
      }
    });
  }

  document.addEventListener("htmx:pushedIntoHistory", sync);
  document.addEventListener("htmx:historyRestore", sync);
  window.addEventListener("popstate", sync);
  sync();
})();
