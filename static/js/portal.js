// A file over the attachment limit, or more files than a form takes, is refused before
// anything is sent, under the field it was chosen in, with the server's own message: sent,
// it would be read in full only to be refused, a body too large for any upload is refused
// unread, which the browser may show as a reset connection instead of the message, and a
// post of more files than the server reads at all comes back without what was typed. The
// server still checks everything.
(function () {
  "use strict";
  var UNITS = [["TB", 1099511627776], ["GB", 1073741824], ["MB", 1048576], ["KB", 1024]];

  function sizeText(bytes) { // as Django's filesizeformat
    for (var i = 0; i < UNITS.length; i++) {
      if (bytes >= UNITS[i][1]) {
        return (bytes / UNITS[i][1]).toFixed(1) + "\u00a0" + UNITS[i][0];
      }
    }
    return bytes + "\u00a0B";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var limits = document.body.dataset;
    var max = Number(limits.attachmentMax);
    if (!(form instanceof HTMLFormElement) || !max) {
      return;
    }
    var first = null;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      if (input.portalRefusedNote) {
        input.portalRefusedNote.remove();
        input.portalRefusedNote = null;
        input.classList.remove("is-invalid");
      }
      var files = input.files || [];
      var refused = Array.prototype.filter.call(files, function (file) {
        return file.size > max;
      }).map(function (file) {
        return limits.attachmentTooLarge
          .replace("%(size)s", function () { return sizeText(file.size); })
          .replace("%(name)s", function () { return file.name; });
      });
      if (files.length > Number(limits.attachmentsMost)) {
        refused.unshift(limits.attachmentsTooMany);
      }
      if (refused.length) {
        var note = document.createElement("div");
        note.className = "invalid-feedback d-block";
        note.setAttribute("role", "alert");
        note.textContent = refused.join(" ");
        input.classList.add("is-invalid");
        // Under the field; under its row where it sits beside its button.
        var row = input.parentNode;
        var inRow = getComputedStyle(row).display.indexOf("flex") !== -1;
        (inRow ? row : input).insertAdjacentElement("afterend", note);
        input.portalRefusedNote = note;
        first = first || input;
      }
    });
    if (first) {
      event.preventDefault();
      first.focus();
    }
  });
})();

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
