// The time slider: its stops are the dates on which any stance changed (and today). Moving it,
// by pointer or keyboard, or pressing Play sets the form's date and asks for the results of that
// date (one request per stop; HTMX redraws map, legend and table and puts as_of in the address).
// The chosen date is announced to screen readers. With prefers-reduced-motion, Play steps one
// date per press instead of running on its own.
(function () {
  "use strict";

  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)");
  const STEP_MS = 2500;

  function readable(iso) {
    const [year, month, day] = iso.split("-").map(Number);
    return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString("en-GB", {
      day: "numeric", month: "short", year: "numeric", timeZone: "UTC"});
  }

  function setUp(box) {
    const dates = JSON.parse(box.dataset.dates);
    const form = document.getElementById("filters");
    const range = box.querySelector("input[type=range]");
    const output = box.querySelector("output");
    const play = box.querySelector(".timeline-play");
    const dateField = form.querySelector("#as_of");
    const last = dates.length - 1;
    let timer = null;

    function indexFor(iso) {
      if (!iso) return last;
      let found = 0;
      dates.forEach((day, index) => { if (day <= iso) found = index; });
      return found;
    }

    function show(index) {
      range.value = String(index);
      const label = index === last ? `Today, ${readable(dates[index])}` : readable(dates[index]);
      range.setAttribute("aria-valuetext", label);
      output.textContent = `Position on ${label}`;
    }

    function choose(index) {
      show(index);
      dateField.value = index === last ? "" : dates[index];
      window.htmx.trigger(form, "timeline");
    }

    function stop() {
      window.clearInterval(timer);
      timer = null;
      play.textContent = reduced.matches ? "Next date" : "Play";
      play.setAttribute("aria-pressed", "false");
    }

    function step() {
      const next = Number(range.value) >= last ? 0 : Number(range.value) + 1;
      choose(next);
      if (next === last) stop();
    }

    play.addEventListener("click", () => {
      if (reduced.matches) { step(); return; }
      if (timer) { stop(); return; }
      if (Number(range.value) >= last) choose(0);
      timer = window.setInterval(step, STEP_MS);
      play.textContent = "Pause";
      play.setAttribute("aria-pressed", "true");
    });
    range.addEventListener("change", (event) => { event.stopPropagation(); choose(Number(range.value)); });
    range.addEventListener("input", () => show(Number(range.value)));
    dateField.addEventListener("change", () => show(indexFor(dateField.value)));
    document.addEventListener("htmx:historyRestore", () => show(indexFor(dateField.value)));
    box.hidden = false;
    stop();
    show(indexFor(dateField.value));
  }

  document.querySelectorAll("[data-timeline]").forEach(setUp);
})();
