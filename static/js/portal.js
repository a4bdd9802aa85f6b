// A form that posts is sent once: a second click while the first post is on its way (a
// double click) would register an order, a lead or a resolution twice. Forms htmx sends
// are left to htmx; a page come back to through the browser's history takes a post again,
// and so does a form after a while, in case its answer was a download that left the page.
(function () {
  "use strict";
  var AGAIN_AFTER_MS = 10000;

  function sentByHtmx(form) {
    return form.matches("[hx-post],[hx-put],[hx-patch],[hx-delete],[hx-get]") ||
      form.closest("[hx-boost]") !== null;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method !== "post" || sentByHtmx(form)) {
      return;
    }
    if (event.defaultPrevented) {
      return; // a confirmation the user declined
    }
    if (form.dataset.posting) {
      event.preventDefault();
      return;
    }
    form.dataset.posting = "1";
    window.setTimeout(function () { delete form.dataset.posting; }, AGAIN_AFTER_MS);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-posting]").forEach(function (form) {
      delete form.dataset.posting;
    });
  });
})();
