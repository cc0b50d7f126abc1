// Progressive enhancement: move focus to the form's error summary when the page shows one,
// so keyboard and screen reader users hear the list of errors first. Links inside it focus the field.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  // A URL fragment (#section) makes the browser reset focus after loading: focus again unless the person moved on.
  window.addEventListener("load", function () {
    if (document.activeElement === document.body) {
      summary.focus();
    }
  });
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) {
      return;
    }
    event.preventDefault();
    var group = target.closest("fieldset");
    (group || target).scrollIntoView();
    target.focus();
  });
})();
