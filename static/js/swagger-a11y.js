// Swagger UI's own markup, mended for screen readers and keyboards each time it renders: what
// axe-core found on /api/v1/docs/ with every operation opened. Loaded on that page only.
(function () {
  "use strict";

  function mend(root) {
    // The path in an operation's toggle button was also a link (to a deep link this page
    // does not turn on): two controls in one, which a screen reader cannot tell apart.
    root.querySelectorAll(".opblock-summary-control a[href]").forEach(function (link) {
      link.removeAttribute("href");
    });
    // The title is the page's h1 and the tags come next, as h3; then h4, h5 within them:
    // each read one level up, so no level is skipped.
    root.querySelectorAll("h3, h4, h5, h6").forEach(function (heading) {
      heading.setAttribute("aria-level", String(Number(heading.tagName[1]) - 1));
    });
    // The title and the API's description stood outside any landmark (the operations
    // are Swagger UI's <main>).
    root.querySelectorAll(".information-container:not([role])").forEach(function (header) {
      header.setAttribute("role", "banner");
    });
    // A parameter's list of values, and a body's list of examples, had no name.
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      var row = select.closest("tr");
      select.setAttribute("aria-label", row.dataset.paramName + " (" + row.dataset.paramIn + ")");
    });
    root.querySelectorAll(".examples-select select:not([aria-label])").forEach(function (select) {
      var label = select.parentElement.querySelector(".examples-select__section-label");
      select.setAttribute("aria-label", (label ? label.textContent : "Examples").replace(/[:：]\s*$/, ""));
    });
    // "Try it out" gives a request body to edit, with no name; the Authorize dialog's
    // close button is an icon; the dialog itself was content outside any landmark.
    root.querySelectorAll(".body-param textarea:not([aria-label])").forEach(function (area) {
      area.setAttribute("aria-label", root.dataset.bodyLabel);
    });
    root.querySelectorAll(".close-modal:not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", root.dataset.closeLabel);
    });
    root.querySelectorAll(".modal-ux:not([role])").forEach(function (dialog) {
      var title = dialog.querySelector(".modal-ux-header h3");
      dialog.setAttribute("role", "dialog");
      dialog.setAttribute("aria-modal", "true");
      if (title) {
        title.id = title.id || "swagger-dialog-title";
        dialog.setAttribute("aria-labelledby", title.id);
      }
    });
    // Examples scroll sideways: the keyboard must reach them to scroll.
    root.querySelectorAll(".highlight-code > .microlight:not([tabindex])").forEach(function (code) {
      code.setAttribute("tabindex", "0");
    });
    // Every open operation's responses are a region named alike: name each by its operation.
    root.querySelectorAll("[role=region][id$=_responses]:not([aria-label])").forEach(function (table) {
      var operation = table.closest(".opblock");
      var summary = operation && operation.querySelector(".opblock-summary-control");
      var heading = table.closest(".responses-wrapper");
      heading = heading && heading.querySelector("h4");
      var name = (summary ? summary.getAttribute("aria-label") || "" : "").trim();
      if (!name && operation) {
        var method = operation.querySelector(".opblock-summary-method");
        var path = operation.querySelector(".opblock-summary-path");
        name = [method && method.textContent, path && path.dataset.path].join(" ").trim();
      }
      table.setAttribute("aria-label", (heading ? heading.textContent : "Responses") + ": " + name);
    });
  }

  var root = document.getElementById("swagger-ui");
  new MutationObserver(function () {
    mend(root);
  }).observe(root, { childList: true, subtree: true });
})();
