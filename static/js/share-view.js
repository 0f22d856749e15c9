// "Share this view" on the dashboard: the box always holds the address of what is shown, filters
// included (HTMX pushes a new address after each filter change; Back and Forward restore one).
// The copy button itself is handled by static/js/copy.js. The map download links follow the
// date and revision shown (the time slider and the date field change them without a reload).
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

  function syncDownloads() {
    const shown = new URLSearchParams(window.location.search);
    const kept = new URLSearchParams();
    ["as_of", "rev"].forEach((key) => {
      if (shown.get(key)) kept.set(key, shown.get(key));
    });
    const query = kept.toString() ? `?${kept}` : "";
    document.querySelectorAll("a[data-map-download]").forEach((link) => {
      link.setAttribute("href", link.dataset.mapDownload + query);
    });
  }

  function syncAll() {
    sync();
    syncDownloads();
  }

  document.addEventListener("htmx:pushedIntoHistory", syncAll);
  document.addEventListener("htmx:replacedInHistory", syncDownloads);
  document.addEventListener("htmx:historyRestore", syncAll);
  window.addEventListener("popstate", syncAll);
  sync();
})();
