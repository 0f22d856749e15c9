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

  // Touch screens have no hover: the first tap on a country shows its tooltip with a link, a
  // second tap on the same country opens its page.
  const touch = window.matchMedia("(hover: none)");

  function tapCard(element) {
    let card = element.parentElement.querySelector(".map-tap-card");
    if (!card) {
      card = document.createElement("div");
      card.className = "map-tap-card";
      card.setAttribute("role", "status");
      element.parentElement.style.position = "relative";
      element.parentElement.appendChild(card);
    }
    return card;
  }

  function showTapCard(element, point) {
    const card = tapCard(element);
    const html = String(point.text || point.location || "").split("<br>")[0];
    const name = new DOMParser().parseFromString(html, "text/html").body.textContent;
    card.textContent = "";
    const text = document.createElement("span");
    text.textContent = name + " · ";
    const link = document.createElement("a");
    link.href = point.customdata;
    link.textContent = "Open the country page";
    card.append(text, link);
    card.hidden = false;
    card.style.left = "0.5rem";
    card.style.top = "0.5rem";
  }

  function openCountry(event) {
    const point = event && event.points && event.points[0];
    if (point && point.customdata && !touch.matches) {
      window.location.assign(point.customdata);
    }
  }

  // Plotly sees no hover on a tap, so the tapped country is found by its painted shape.
  function countryAt(element, x, y) {
    for (const path of element.querySelectorAll("path.choroplethlocation")) {
      const local = new DOMPoint(x, y).matrixTransform(path.getScreenCTM().inverse());
      if (path.isPointInFill(local) && path.__data__) return path.__data__.loc;
    }
    return null;
  }

  function pointFor(element, loc) {
    for (const trace of element.data || []) {
      const index = (trace.locations || []).indexOf(loc);
      if (index >= 0 && trace.customdata) {
        return {customdata: trace.customdata[index], text: trace.text[index], location: loc};
      }
    }
    return null;
  }

  function onTap(event) {
    const element = event.currentTarget;
    const loc = countryAt(element, event.clientX, event.clientY);
    const point = loc && pointFor(element, loc);
    if (!point) return;
    if (element.dataset.tapped === point.customdata) {
      window.location.assign(point.customdata);
      return;
    }
    element.dataset.tapped = point.customdata;
    showTapCard(element, point);
  }


  function draw(element) {
    const figure = figureFor(element);
    if (!figure || !window.Plotly) return;
    window.Plotly.react(element, figure.data, figure.layout, config(element)).then(() => {
      if (!element.dataset.clickable && element.dataset.static !== "true") {
        element.on("plotly_click", openCountry);
        if (touch.matches) element.addEventListener("click", onTap, true);
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
