// After an HTMX swap inside an element with data-focus-after-settle, move the
// focus to the element that selector names (a heading or an error summary), so
// a screen reader hears the new content. With data-focus-when-target, only
// when the swapped element has that id. A static file: the Content-Security-
// Policy allows no inline handlers (it replaces hx-on attributes).
document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.target;
  if (!(target instanceof Element)) {
    return;
  }
  var region = target.closest("[data-focus-after-settle]");
  if (!region) {
    return;
  }
  var only = region.getAttribute("data-focus-when-target");
  if (only && target.id !== only) {
    return;
  }
  var element = document.querySelector(region.getAttribute("data-focus-after-settle"));
  if (element) {
    element.focus();
  }
});
