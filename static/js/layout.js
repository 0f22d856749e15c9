// Layout on small screens: the main navigation collapses behind "Menu", and the dashboard's
// filters fold behind "Filter" (open when a filter is set). Without JavaScript both stay open.
(function () {
  "use strict";

  const narrow = window.matchMedia("(max-width: 40rem)");


  function setUpNav(header) {
    const button = header.querySelector(".nav-toggle");
    if (!button) return;
    header.classList.add("nav-collapsible");
    button.hidden = false;
    button.addEventListener("click", () => {
      const open = !header.classList.contains("nav-open");
      header.classList.toggle("nav-open", open);
      button.setAttribute("aria-expanded", String(open));
    });
  }

  function activeFilters(form) {
    return Array.from(form.elements).filter(
      (field) => field.name && field.type !== "hidden" && field.value && field.name !== "sort").length;
  }

  function labelFilterButton(button, form) {
    const count = activeFilters(form);
    button.textContent = count ? `Filter (${count} set)` : "Filter";
  }

  function setUpFilters(wrap) {
    const button = wrap.querySelector(".filter-toggle");
    const form = wrap.querySelector("form");
    if (!button || !form) return;
    wrap.classList.add("filters-collapsible");
    button.hidden = false;
    const fold = narrow.matches && activeFilters(form) === 0;
    wrap.classList.toggle("is-folded", fold);
    button.setAttribute("aria-expanded", String(!fold));
    labelFilterButton(button, form);
    button.addEventListener("click", () => {
      const folded = wrap.classList.toggle("is-folded");
      button.setAttribute("aria-expanded", String(!folded));
    });
    form.addEventListener("change", () => labelFilterButton(button, form));
  }

  document.querySelectorAll("[data-collapsible-nav]").forEach(setUpNav);
  document.querySelectorAll("[data-filters-collapsible]").forEach(setUpFilters);
})();
