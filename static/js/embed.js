// Embedded maps (/embed/...): a click on a country opens its page on the site in a new tab, never
// inside the host page's iframe. The map element lists the addresses in data-links (ISO-3 -> URL);
// map.js marks each finished drawing in data-drawn-revision, which is when clicks can be bound.
(function () {
  "use strict";

  function bind(element) {
    if (element.dataset.linksBound || typeof element.on !== "function") return;
    const links = JSON.parse(element.dataset.links || "{}");
    element.on("plotly_click", (event) => {
      const point = event && event.points && event.points[0];
      const url = point && links[point.location];
      if (url) window.open(url, "_blank", "noopener");
    });
    element.dataset.linksBound = "true";
  }

  document.querySelectorAll("[data-links]").forEach((element) => {
    new MutationObserver(() => bind(element)).observe(element, {
      attributes: true, attributeFilter: ["data-drawn-revision"],
    });
    bind(element);
  });
})();
