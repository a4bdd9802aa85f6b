// A form htmx sends in place: the portal writes htmx's attributes as data-hx-* (valid HTML),
// which htmx reads as it reads hx-*.
var HTMX_SENDS = ["post", "put", "patch", "delete", "get"].map(function (verb) {
  return "[hx-" + verb + "],[data-hx-" + verb + "]";
}).join(",");

// A form marked data-confirm asks its question before it is sent (taking an item off an
// agenda, merging an order, removing a file); declined, nothing is sent and the page's other
// checks stand aside. Captured first, so they see the answer. A button marked data-confirm
// asks its own question for its own decision (accepting a report, not returning it).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var button = event.submitter;
    var question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
})();

// A required field holding only spaces passes the browser's own check, so a form that
// asks first (data-confirm) asked its question, and the server then refused the post for
// want of the field. Such a field is emptied when the form's button is clicked, before the
// browser checks the form: the browser then says the field is to be filled in, at the
// field, and asks nothing. What has any other character is left as typed.
(function () {
  "use strict";
  var TYPED = /^(text|search|email|tel|url)$/;

  function emptyIfBlank(field) {
    var typed = field instanceof HTMLTextAreaElement ||
      (field instanceof HTMLInputElement && TYPED.test(field.type));
    if (typed && field.required && field.value !== "" && field.value.trim() === "") {
      field.value = "";
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ?
      event.target.closest("button, input[type=submit], input[type=image]") : null;
    if (!button || (button.type !== "submit" && button.type !== "image")) {
      return;
    }
    var form = button.form;
    var asks = form && (form.dataset.confirm || button.dataset.confirm);
    if (asks && !form.noValidate && !button.formNoValidate) {
      Array.prototype.forEach.call(form.elements, emptyIfBlank);
    }
  }, true);
})();

// A co-handling units group (data-excludes-choice-of: the primary unit's select) cannot have
// the unit chosen as primary ticked: its box is disabled and unticked, with "(the primary
// unit)" shown beside its name, and comes back when another unit is chosen. A unit cannot
// help itself; the server refuses it anyway, this keeps the office and the leader from
// choosing it.
(function () {
  "use strict";
  function sync(group) {
    var primary = document.querySelector(group.dataset.excludesChoiceOf);
    if (!primary) {
      return;
    }
    group.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      var same = box.value !== "" && box.value === primary.value;
      box.disabled = same;
      if (same) {
        box.checked = false;
      }
      var why = box.parentNode.querySelector(".unit-check-why");
      if (why) {
        why.hidden = !same;
      }
      var label = box.parentNode.querySelector("label[data-why]");
      if (label) {
        if (same) {
          label.title = label.dataset.why;
        } else {
          label.removeAttribute("title");
        }
      }
    });
  }
  // A list that scrolls in its frame opens at its first ticked unit (a form sent back),
  // not at the top as if nothing had been ticked.
  document.querySelectorAll(".unit-checks-list").forEach(function (list) {
    var first = list.querySelector("input:checked");
    if (first && list.scrollHeight > list.clientHeight) {
      list.scrollTop += first.getBoundingClientRect().top - list.getBoundingClientRect().top - 4;
    }
  });
  document.querySelectorAll("[data-excludes-choice-of]").forEach(function (group) {
    sync(group);
    var primary = document.querySelector(group.dataset.excludesChoiceOf);
    if (primary) {
      primary.addEventListener("change", function () { sync(group); });
    }
  });
})();

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
    if (!(form instanceof HTMLFormElement) || !max || event.defaultPrevented) {
      return;
    }
    var first = null;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      if (input.portalRefusedNote) {
        input.portalRefusedNote.remove();
        input.portalRefusedNote = null;
        input.classList.remove("is-invalid");
        input.removeAttribute("aria-invalid");
        if (input.portalDescribedBy) {
          input.setAttribute("aria-describedby", input.portalDescribedBy);
        } else {
          input.removeAttribute("aria-describedby");
        }
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
        // Read with the field, where the focus goes, and not only once as an alert.
        note.id = (input.id || input.name) + "-refused";
        input.portalDescribedBy = input.getAttribute("aria-describedby") || "";
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", (note.id + " " + input.portalDescribedBy).trim());
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

// Sending one form leaves the page, and with it whatever was typed or chosen in another
// form on it and not yet saved: the text of a report or an order's reply when a file is
// added by the form beside it, a file chosen but not added when the report is saved. The
// person is asked first; declined, nothing is sent.
(function () {
  "use strict";

  function changed(field) {
    if (field.disabled || !field.name) {
      return false;
    }
    if (field.type === "file") {
      return field.files && field.files.length > 0;
    }
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (field.tagName === "SELECT") {
      var options = Array.prototype.slice.call(field.options);
      if (!field.multiple) { // with none marked selected, the first one shows
        var shown = options.filter(function (option) { return option.defaultSelected; }).pop();
        return field.selectedIndex !== (shown ? shown.index : 0) && options.length > 0;
      }
      return options.some(function (option) {
        return option.selected !== option.defaultSelected;
      });
    }
    if (field.tagName === "TEXTAREA" || field.tagName === "INPUT") {
      if (["hidden", "submit", "button", "reset", "image"].indexOf(field.type) !== -1) {
        return false;
      }
      return field.value !== field.defaultValue;
    }
    return false;
  }

  // A form marked data-warn-unsaved="always" shows a refused save: its fields hold what was
  // typed as the page's own text, none of it saved, so it counts as unsaved untouched.
  function unsaved(form) {
    return form.method === "post" && (form.dataset.warnUnsaved === "always" ||
      Array.prototype.some.call(form.elements, changed));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = document.body.dataset.unsavedElsewhere;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented || !question) {
      return;
    }
    if (form.matches(HTMX_SENDS)) {
      return; // answered in place: the page stays
    }
    var others = Array.prototype.filter.call(document.forms, function (other) {
      return other !== form && unsaved(other);
    });
    if (others.length && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // A form marked data-warn-unsaved has the browser warn before the page is left by a link,
  // Back or closing it with what was typed in the form not saved; "always" when the page
  // shows a refused save, whose fields hold what was typed and nothing of it is saved.
  // Sending a form is not leaving it: after every other check (a declined question keeps
  // the page), a post that goes is let through, for a while in case its answer was a
  // download that left the page where it was.
  var SENDING_FOR_MS = 10000;
  var sending = false;
  var sendingTimer = null;
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented ||
        form.matches(HTMX_SENDS)) {
      return;
    }
    sending = true;
    window.clearTimeout(sendingTimer);
    sendingTimer = window.setTimeout(function () { sending = false; }, SENDING_FOR_MS);
  });
  window.addEventListener("pageshow", function () { sending = false; });
  window.addEventListener("beforeunload", function (event) {
    if (sending) {
      return;
    }
    var guarded = document.querySelectorAll("form[data-warn-unsaved]");
    var dirty = Array.prototype.some.call(guarded, unsaved);
    if (dirty) {
      event.preventDefault();
      event.returnValue = ""; // older browsers ask only with a return value
    }
  });
})();

// A post the server did not take for want of a sign-in (SESSION_HOURS past, signed out in
// another tab: the sign-in page answers it) or with the token of an earlier sign-in (the
// CSRF page) lost everything it carried: a reply, a reason, an analysis typed for an hour.
// So a post's fields are kept in this tab as it is sent (sessionStorage: gone with the tab,
// never left on the disk for the next person at the desk; passwords, files and one-time
// tokens are not kept). The page that answers says what became of it: one marked
// data-post-not-taken keeps it as not taken and says so (#unsent-kept); any other page
// means it was answered, and it is forgotten. Signed in again as the same person, on a page
// with that form (SignInAgainMiddleware leads back to it), it is filled in again, its
// `version` too (the server still refuses it if the record changed meanwhile), and said
// above the form; the form then warns before it is left unsent.
(function () {
  "use strict";
  var KEY = "portal-unsent-post";
  var ANSWERED_WITHIN_MS = 5 * 60 * 1000;
  var KEPT_FOR_MS = 24 * 3600 * 1000;
  var NOT_KEPT = /^(password|file|submit|button|reset|image)$/;
  var TEXT = /^(text|search|email|tel|url|number|date|datetime-local|month|time|textarea)$/;
  var body = document.body;
  var notTakenHere = body.hasAttribute("data-post-not-taken");

  function read() {
    try {
      return JSON.parse(window.sessionStorage.getItem(KEY));
    } catch (error) {
      return null;
    }
  }
  function write(post) {
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify(post));
    } catch (error) { /* storage full or refused: the post goes as it always did */ }
  }
  function forget() {
    try {
      window.sessionStorage.removeItem(KEY);
    } catch (error) { /* nothing kept */ }
  }

  function kept(field) {
    if (!field.name || field.disabled || NOT_KEPT.test(field.type) ||
        field.name === "csrfmiddlewaretoken" || field.name === "form_once") {
      return false;
    }
    return field.type !== "hidden" || field.name === "version";
  }

  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented ||
        form.method !== "post" || form.matches(HTMX_SENDS) || notTakenHere || !body.dataset.user) {
      return;
    }
    var fields = Array.prototype.filter.call(form.elements, kept);
    var typed = fields.some(function (field) {
      return TEXT.test(field.type) && field.value.trim() !== "";
    });
    if (!typed) {
      forget(); // what answers next is this post's answer, not a kept one's
      return;
    }
    var values = [];
    fields.forEach(function (field) {
      if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.selectedOptions, function (option) {
          values.push([field.name, option.value]);
        });
      } else if (field.type !== "checkbox" && field.type !== "radio" || field.checked) {
        values.push([field.name, field.value]);
      }
    });
    write({
      user: body.dataset.user,
      action: form.action,
      id: form.id,
      names: fields.map(function (field) { return field.name; }),
      values: values,
      files: Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
        return input.files && input.files.length > 0;
      }),
      at: Date.now(),
      state: "sent",
    });
  });

  function restore(form, post) {
    var values = {};
    post.values.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    var first = null;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field) || post.names.indexOf(field.name) === -1) {
        return;
      }
      var mine = values[field.name] || [];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = mine.indexOf(field.value) !== -1;
      } else if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = mine.indexOf(option.value) !== -1;
        });
      } else {
        field.value = mine.length ? mine.shift() : "";
        if (!first && field.type !== "hidden" && field.value !== "") {
          first = field;
        }
      }
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
    var details = form.closest("details");
    if (details) {
      details.open = true;
    }
    var note = document.createElement("div");
    note.className = "alert alert-warning small py-2";
    note.setAttribute("role", "alert");
    note.id = "unsent-restored";
    note.tabIndex = -1;
    note.textContent = body.dataset.unsentRestored +
      (post.files ? " " + body.dataset.unsentFiles : "");
    form.insertAdjacentElement("beforebegin", note);
    form.dataset.warnUnsaved = "always";
    (first || note).focus();
    note.scrollIntoView({ block: "start" });
  }

  var post = read();
  if (!post || typeof post !== "object" || !post.values) {
    return;
  }
  var age = Date.now() - post.at;
  if (post.state === "sent") {
    if (notTakenHere && age < ANSWERED_WITHIN_MS) {
      post.state = "not-taken";
      write(post);
    } else if (!notTakenHere) {
      forget();
      return;
    }
  }
  if (notTakenHere) {
    var said = document.getElementById("unsent-kept");
    if (said && post.state === "not-taken") {
      said.hidden = false;
    }
    return;
  }
  if (age > KEPT_FOR_MS) {
    forget();
    return;
  }
  if (post.user !== body.dataset.user) {
    return; // another person signed in in this tab: not theirs to see
  }
  var forms = Array.prototype.filter.call(document.forms, function (form) {
    return form.method === "post" && form.action === post.action;
  });
  var form = forms.filter(function (one) { return post.id && one.id === post.id; })[0] || forms[0];
  if (form) {
    forget();
    restore(form, post);
  }
})();

// A form that posts is sent once: a second click while the first post is on its way (a
// double click) would register an order, a lead or a resolution twice. Forms htmx sends
// are left to htmx; a page come back to through the browser's history takes a post again,
// and so does a form after a while, in case its answer was a download that left the page.
(function () {
  "use strict";
  var AGAIN_AFTER_MS = 10000;

  function sentByHtmx(form) {
    return form.matches(HTMX_SENDS) ||
      form.closest("[hx-boost],[data-hx-boost]") !== null;
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

// A row of tabs that scrolls sideways on a phone (.tabs-scroll) opens with the current tab
// in sight, in the middle of the row where it can be, not hidden off to the right; and says
// at which end more tabs lie out of sight (more-before, more-after: portal.css fades it).
(function () {
  "use strict";
  document.querySelectorAll(".tabs-scroll").forEach(function (row) {
    function markEnds() {
      var hidden = row.scrollWidth - row.clientWidth;
      row.classList.toggle("more-before", hidden > 1 && row.scrollLeft > 1);
      row.classList.toggle("more-after", hidden > 1 && row.scrollLeft < hidden - 1);
    }
    row.addEventListener("scroll", markEnds, { passive: true });
    window.addEventListener("resize", markEnds);
    var current = row.querySelector(".active");
    if (current && row.scrollWidth > row.clientWidth) {
      var tab = current.getBoundingClientRect();
      var frame = row.getBoundingClientRect();
      if (tab.left < frame.left || tab.right > frame.right) {
        row.scrollLeft += tab.left - frame.left - (frame.width - tab.width) / 2;
      }
    }
    markEnds();
  });
})();

// A Chinese name on a page in another language (lang="zh-Hans", from `lang_of`) broke
// wherever its column ran out, "某某便民超 / 市" in a dashboard's table on a phone: there the
// English headings take the room the Chinese ones leave. A short text so marked (a name, a
// title: 30 characters at most; longer text is prose and breaks as Chinese prose does) is
// split into words by the browser's Chinese dictionary (Intl.Segmenter); a word of one or two
// characters is joined to a neighbour, while the piece stays 6 characters at most, so that
// no line holds one or two characters alone ("某某便民超市" is one piece; "天津某物业服务有限公司"
// is 天津某 / 物业服务 / 有限公司). The text then breaks between pieces only (.zh-words,
// keep-all, a <wbr> between pieces): it stands whole where it fits. Where a table holding such
// names is wider than its box even so (a 360px phone), it may break between any two words
// (.zh-loose shows the <wbr> between the words of a piece), never inside one.
(function () {
  "use strict";
  var page = (document.documentElement.lang || "").toLowerCase();
  if (page.indexOf("zh") === 0 || !window.Intl || !Intl.Segmenter) {
    return;
  }
  var NAME_AT_MOST = 30;
  var PIECE_AT_MOST = 6;
  var CHINESE = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;
  var OPENING = /^[\p{Ps}\p{Pi}]+$/u;
  var PUNCTUATION = /^[\p{P}\s]+$/u;
  var segmenter = new Intl.Segmenter("zh-Hans", {granularity: "word"});
  var tables = new Set();

  function size(words) { // a Chinese character's width is 1, a Latin one's about half
    var n = 0;
    words.forEach(function (word) {
      for (var ch of word) { n += CHINESE.test(ch) ? 1 : 0.5; }
    });
    return n;
  }

  // The text's pieces, each a list of words; punctuation stays with the word it belongs to.
  function pieces(text) {
    var parts = [];
    var opening = "";
    for (var s of segmenter.segment(text)) {
      var word = s.segment;
      if (OPENING.test(word)) { opening += word; continue; }
      if (PUNCTUATION.test(word) && parts.length && !opening) {
        parts[parts.length - 1][0] += word;
        continue;
      }
      parts.push([opening + word]);
      opening = "";
    }
    if (opening) { parts.push([opening]); }
    for (;;) { // join the shortest piece of one or two characters to its shorter neighbour
      var best = -1;
      var side = 0;
      for (var i = 0; i < parts.length; i++) {
        var own = size(parts[i]);
        if (own > 2 || (best >= 0 && own >= size(parts[best]))) { continue; }
        var before = i > 0 ? size(parts[i - 1]) : Infinity;
        var after = i < parts.length - 1 ? size(parts[i + 1]) : Infinity;
        if (own + Math.min(before, after) <= PIECE_AT_MOST) {
          best = i;
          side = before <= after ? -1 : 1;
        }
      }
      if (best < 0) { return parts; }
      var at = Math.min(best, best + side);
      parts.splice(at, 2, parts[at].concat(parts[at + 1]));
    }
  }

  function breakAt(loose) {
    var wbr = document.createElement("wbr");
    if (loose) { wbr.className = "zh-inner"; }
    return wbr;
  }

  function mark(root) {
    var marked = root.querySelectorAll ? root.querySelectorAll('[lang|="zh"]') : [];
    Array.prototype.forEach.call(marked, function (el) {
      var text = el.textContent.trim();
      if (el.classList.contains("zh-words") || el.closest(".zh-words") || !text ||
          text.length > NAME_AT_MOST || !CHINESE.test(text) ||
          el.closest("textarea, input, select, option, pre, script")) {
        return;
      }
      var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      var nodes = [];
      for (var node = walker.nextNode(); node; node = walker.nextNode()) { nodes.push(node); }
      nodes.forEach(function (node) {
        var parts = pieces(node.data);
        if (parts.length < 2 && parts[0] && parts[0].length < 2) { return; }
        var fragment = document.createDocumentFragment();
        parts.forEach(function (words, i) {
          if (i) { fragment.appendChild(breakAt(false)); }
          words.forEach(function (word, j) {
            if (j) { fragment.appendChild(breakAt(true)); }
            fragment.appendChild(document.createTextNode(word));
          });
        });
        node.parentNode.replaceChild(fragment, node);
      });
      el.classList.add("zh-words");
      var table = el.closest("table");
      if (table) { tables.add(table); }
    });
    fit();
  }

  // A table wider than its box with its names in pieces may break them between any words.
  function fit() {
    tables.forEach(function (table) {
      if (!table.isConnected) { tables.delete(table); return; }
      table.classList.remove("zh-loose");
      var box = table.parentElement;
      var style = window.getComputedStyle(box);
      var room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (table.getBoundingClientRect().width > room + 0.5) { table.classList.add("zh-loose"); }
    });
  }

  mark(document);
  document.addEventListener("htmx:load", function (event) { mark(event.target); });
  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fit(); });
  });
})();

// "Tick every unit" and "Untick every unit" of a group of units (includes/unit_checks.html,
// toggles): an extra meeting concerns two or three units, the annual one all seventeen. A
// box disabled (the primary unit) is left as it is; each box changed says so, as a click
// would, for the page's other checks.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-tick-units]") : null;
    if (!button) {
      return;
    }
    var tick = button.dataset.tickUnits === "all";
    var boxes = button.closest("fieldset").querySelectorAll("input[type=checkbox]:not(:disabled)");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.checked !== tick) {
        box.checked = tick;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
})();
