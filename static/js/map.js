// Draws the Plotly maps. Each map element names, in data-figure, the <script type="application/json">
// block holding its figure; the outlines come from this server (data-topojson-url). The dashboard
// map is redrawn when HTMX swaps in new results (a new figure block), and a click on a country
// opens its page.
(function () {
  "use strict";

  function figureFor(element) {
    const block = document.getElementById(element.dataset.figure);
    return block ? JSON.parse(block.textContent) : null;
  }

  function config(element) {
    return {
      topojsonURL: element.dataset.topojsonUrl,
      displayModeBar: false,
      scrollZoom: false,
      responsive: true,
      staticPlot: element.dataset.static === "true",
    };
  }

  function openCountry(event) {
    const point = event && event.points && event.points[0];
    if (point && point.customdata) {
      window.location.assign(point.customdata);
    }
  }

  function draw(element) {
    const figure = figureFor(element);
    if (!figure || !window.Plotly) return;
    window.Plotly.react(element, figure.data, figure.layout, config(element)).then(() => {
      if (!element.dataset.clickable && element.dataset.static !== "true") {
        element.on("plotly_click", openCountry);
        element.dataset.clickable = "true";
      }
      element.dataset.drawnRevision = String(Number(element.dataset.drawnRevision || 0) + 1);
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-figure]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
})();
