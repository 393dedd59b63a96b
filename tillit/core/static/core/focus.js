// Focus and keyboard help shared by every page. A static file: the Content-
// Security-Policy allows no inline handlers (it replaces hx-on attributes).
(function () {
  "use strict";

  function focusOn(element) {
    if (!element) {
      return;
    }
    if (!element.hasAttribute("tabindex") && !element.matches("a[href], button, input, select, textarea")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  // After an HTMX swap inside an element with data-focus-after-settle, move the
  // focus to the element that selector names (a heading or an error summary), so
  // a screen reader hears the new content. With data-focus-when-target, only
  // when the swapped element has that id. A refresh (a GET) never moves focus:
  // only the answer to something the person did (a POST) does.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    var config = event.detail && event.detail.requestConfig;
    var verb = config && config.verb ? config.verb.toLowerCase() : "get";
    var region = target.closest("[data-focus-after-settle]");
    if (!region) {
      return;
    }
    if (region.hasAttribute("data-focus-on-action") && verb === "get") {
      return;
    }
    var only = region.getAttribute("data-focus-when-target");
    if (only && target.id !== only) {
      return;
    }
    var element = document.querySelector(region.getAttribute("data-focus-after-settle"));
    var fallback = region.getAttribute("data-focus-fallback");
    focusOn(element || (fallback && document.querySelector(fallback)));
  });

  // A timed refresh (an element with data-refresh) waits while the focus is
  // inside it, so it never takes the focus away, and stops while its pause
  // button (data-refresh-toggle naming the element) is pressed (WCAG 2.2.2).
  var paused = {};

  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail && event.detail.elt;
    if (!(element instanceof Element) || !element.hasAttribute("data-refresh")) {
      return;
    }
    var focused = document.activeElement;
    var focusInside = focused && focused !== document.body && element.contains(focused);
    if (paused["#" + element.id] || focusInside) {
      event.preventDefault();
    }
  });

  function setUpRefreshToggles() {
    document.querySelectorAll("[data-refresh-toggle]").forEach(function (button) {
      var selector = button.getAttribute("data-refresh-toggle");
      (button.closest("[data-refresh-control]") || button).hidden = false;
      button.setAttribute("aria-pressed", paused[selector] ? "true" : "false");
      if (button.dataset.ready) {
        return;
      }
      button.dataset.ready = "yes";
      button.addEventListener("click", function () {
        paused[selector] = !paused[selector];
        button.setAttribute("aria-pressed", paused[selector] ? "true" : "false");
      });
    });
  }

  // A table wider than its place scrolls inside its wrapper; the wrapper then
  // becomes a group named after the table's caption that takes focus, so it
  // can be scrolled with the arrow keys (WCAG 2.1.1, 1.4.10). Any overflow
  // counts, a single pixel too: the browser lets it scroll, so axe-core and a
  // keyboard user see a scrolling region.
  function markScrollingTables() {
    document.querySelectorAll(".table-wrapper").forEach(function (wrapper) {
      var scrolls = wrapper.scrollWidth > wrapper.clientWidth;
      if (scrolls && !wrapper.hasAttribute("data-scrolls")) {
        var caption = wrapper.querySelector("caption");
        var heading = wrapper.getAttribute("data-label") || (caption ? caption.textContent.trim() : "");
        wrapper.setAttribute("data-scrolls", "");
        wrapper.setAttribute("tabindex", "0");
        // A named group rather than a landmark: the page's sections are the
        // landmarks, and a table named like its section would repeat one.
        wrapper.setAttribute("role", "group");
        if (heading) {
          wrapper.setAttribute("aria-label", heading);
        }
      } else if (!scrolls && wrapper.hasAttribute("data-scrolls")) {
        ["data-scrolls", "tabindex", "role", "aria-label"].forEach(function (name) {
          wrapper.removeAttribute(name);
        });
      }
    });
  }

  // After a page loads with an error summary (a form sent back with errors),
  // the focus goes to it; otherwise to a message the last action left (a
  // cancelled registration), so a screen reader reads it first.
  function focusSummaryOrMessage() {
    var summary = document.querySelector("main .error-summary");
    var message = document.querySelector("#messages .message");
    focusOn(summary || message);
  }

  // A wrapper whose width changes (the window is resized or turned, a late
  // style lands) is checked again before the next paint, so a table that
  // starts to scroll can be reached by keyboard at once.
  var sizes = window.ResizeObserver ? new window.ResizeObserver(markScrollingTables) : null;
  function watchTables() {
    if (!sizes) {
      return;
    }
    // The wrapper for a window that changes, its table for content that
    // grows late (a font, a swapped row).
    document.querySelectorAll(".table-wrapper").forEach(function (wrapper) {
      sizes.observe(wrapper);
      wrapper.querySelectorAll(":scope > table").forEach(function (table) {
        sizes.observe(table);
      });
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(markScrollingTables, 150);
  });

  document.addEventListener("htmx:afterSettle", function () {
    markScrollingTables();
    watchTables();
    setUpRefreshToggles();
  });

  function ready() {
    markScrollingTables();
    watchTables();
    setUpRefreshToggles();
    focusSummaryOrMessage();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
