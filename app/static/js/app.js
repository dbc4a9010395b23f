/* Anju progressive enhancement. Everything works without this file. */
(function () {
  "use strict";

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }

  // When htmx cannot reach the server (offline), fall back to a real navigation so
  // the service worker can show the offline page instead of nothing happening.
  document.addEventListener("htmx:sendError", function (event) {
    var config = event.detail.requestConfig || {};
    if (config.verb === "get" && config.boosted) {
      window.location.href = config.path;
    } else {
      showFlash("网络连接失败，请检查网络后重试。您填写的内容仍在页面上。");
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr.status >= 500) {
      showFlash("系统繁忙，请稍后再试。");
    }
  });

  // Keyboard focus is never hidden under the fixed bars (WCAG 2.4.11): the bars'
  // heights become the page's scroll padding, and a focused control that still ends up
  // under one (a browser that ignores the padding) is scrolled clear of it.
  function bar(selector) {
    var element = document.querySelector(selector);
    if (!element) return 0;
    var position = getComputedStyle(element).position;
    return position === "fixed" || position === "sticky" ? element.getBoundingClientRect().height : 0;
  }
  function measureBars() {
    var root = document.documentElement.style;
    root.setProperty("--bar-top", Math.ceil(bar(".topbar") + 8) + "px");
    root.setProperty("--bar-bottom", Math.ceil(bar(".tabbar") + 8) + "px");
  }
  document.addEventListener("DOMContentLoaded", measureBars);
  window.addEventListener("resize", measureBars);
  document.addEventListener("htmx:afterSettle", measureBars);
  document.addEventListener("focusin", function (event) {
    var element = event.target;
    if (!element.getBoundingClientRect || element.closest(".topbar, .tabbar, .skip-link")) return;
    if (!element.matches(":focus-visible")) return;  // a mouse press: no scrolling under it
    var box = element.getBoundingClientRect();
    var top = bar(".topbar"), bottom = window.innerHeight - bar(".tabbar");
    if (box.top < top) window.scrollBy(0, box.top - top - 8);
    else if (box.bottom > bottom) window.scrollBy(0, Math.min(box.bottom - bottom + 8, box.top - top - 8));
  });

  // Where focus goes after an htmx swap (WCAG 2.4.3), one rule for every swap. What had
  // focus when the request left is kept on its request (htmx disables the submit button
  // meanwhile, which drops focus to <body>). After the swap: an error summary that came
  // with it gets focus; a focused element still on the page keeps it (a search box, an
  // element htmx kept by id); a request made with nothing focused (a status poll)
  // moves nothing; a boosted page change focuses the main content; otherwise focus goes
  // to what appeared: its [data-focus] element, [autofocus], alert, first heading,
  // first control. A request that swapped nothing gives focus back where it was.
  var arrived = [];
  function focusedBefore(event) {
    return event.detail.xhr ? event.detail.xhr.anjuFocus || null : null;
  }
  function nothingFocused() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.xhr) event.detail.xhr.anjuFocus = nothingFocused() ? null : document.activeElement;
  });
  document.addEventListener("htmx:beforeSwap", function () { arrived = []; });
  document.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (element.nodeType === 1 && !element.closest("#flash")) arrived.push(element);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var before = focusedBefore(event);
    setTimeout(function () {
      if (before && before.isConnected && !before.disabled && nothingFocused()) {
        before.focus({ preventScroll: true });
      }
    }, 0);
  });
  var FOCUS_ORDER = [
    "[data-focus]", "[autofocus]", '[role="alert"]', "h2, h3, legend",
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea",
  ];
  function spotIn(elements) {
    for (var i = 0; i < FOCUS_ORDER.length; i++) {
      for (var j = 0; j < elements.length; j++) {
        var root = elements[j];
        var found = root.matches(FOCUS_ORDER[i]) ? root : root.querySelector(FOCUS_ORDER[i]);
        if (found && found.getClientRects().length) return found;
      }
    }
    return elements.length ? elements[0] : null;
  }
  function focusOn(element) {
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var fresh = arrived.filter(function (element) { return element.isConnected; });
    arrived = [];
    var errors = fresh.map(function (element) {
      return element.matches(".error-summary") ? element : element.querySelector(".error-summary");
    }).filter(Boolean);
    if (errors.length) { focusOn(errors[0]); return; }
    var config = event.detail.requestConfig || {};
    if (event.detail.boosted || config.boosted) {
      var main = document.getElementById("main");
      if (main && (nothingFocused() || !main.contains(document.activeElement))) focusOn(main);
      return;
    }
    var before = focusedBefore(event);
    if (!before) return;
    if (before.isConnected) {
      if (nothingFocused() && !before.disabled) before.focus({ preventScroll: true });
      return;
    }
    // What had focus was replaced. htmx may have refocused a field with the same id
    // (Enter pressed in it); a marked element still wins, anything else keeps that.
    var marked = spotIn(fresh.filter(function (element) {
      return element.matches("[data-focus]") || element.querySelector("[data-focus]");
    }));
    if (!marked && !nothingFocused()) return;
    var spot = marked || spotIn(fresh);
    if (spot) focusOn(spot);
  });

  // Handwritten signature: draw with a finger; the PNG goes into a hidden field.
  function initSignaturePad(root) {
    var canvas = root.querySelector ? root.querySelector("#signature-canvas") : null;
    if (!canvas || canvas.dataset.ready) return;
    canvas.dataset.ready = "1";
    var pad = canvas.closest(".signature-pad");
    var output = document.getElementById("signature-data");
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    pad.hidden = false;
    context.lineWidth = 4;
    context.lineCap = "round";
    context.strokeStyle = "#000";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * canvas.width / box.width,
              (event.clientY - box.top) * canvas.height / box.height];
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p[0], p[1]);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      context.lineTo(p[0], p[1]);
      context.stroke();
      drawn = true;
    });
    function finish() {
      if (!drawing) return;
      drawing = false;
      if (drawn) output.value = canvas.toDataURL("image/png");
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    document.getElementById("signature-clear").addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      output.value = "";
      drawn = false;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { initSignaturePad(document); });
  document.addEventListener("htmx:load", function (event) { initSignaturePad(event.detail.elt); });

  // Autosave (data-autosave="<form id>"): what was typed since the last save is sent
  // when the page is left or hidden, and kept in this tab until the next page load; if
  // the reload was served before that save arrived, the text is put back and saved
  // again with the old page's stamp, so the server still compares against what that
  // page was based on (app/apply/drafts.py).
  var PENDING = "anju-autosave-pending";
  var SKIP = { csrf_token: 1, seen: 1, conflicts_shown: 1 };

  function saverFor(form) {
    return form && form.id ? document.querySelector('[data-autosave="' + form.id + '"]') : null;
  }
  document.addEventListener("input", function (event) {
    var saver = saverFor(event.target.form);
    if (saver) saver.dataset.typed = String(Number(saver.dataset.typed || 0) + 1);
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var saver = event.detail.elt;
    if (saver.dataset && saver.dataset.autosave) saver.dataset.sending = saver.dataset.typed || "0";
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var saver = event.detail.elt;
    if (saver.dataset && saver.dataset.autosave && event.detail.successful) {
      saver.dataset.saved = saver.dataset.sending || "0";
    }
  });

  function flushAutosaves() {
    document.querySelectorAll("[data-autosave]").forEach(function (saver) {
      var typed = Number(saver.dataset.typed || 0);
      if (typed <= Number(saver.dataset.saved || 0)) return;
      var form = document.getElementById(saver.dataset.autosave);
      if (!form) return;
      var data = new FormData(form);
      saver.dataset.saved = String(typed);
      try {
        var values = [];
        data.forEach(function (value, name) {
          if (typeof value === "string" && !SKIP[name] && name.indexOf("keep:") !== 0) {
            values.push([name, value]);
          }
        });
        sessionStorage.setItem(PENDING, JSON.stringify({
          path: location.pathname, form: form.id, at: Date.now(), values: values
        }));
      } catch (ignored) { /* storage full or blocked: the request below still goes */ }
      fetch(saver.getAttribute("hx-post"), {
        method: "POST", body: data, keepalive: true, credentials: "same-origin",
        headers: { "HX-Request": "true" }
      }).catch(function () {});
    });
  }
  window.addEventListener("beforeunload", flushAutosaves);
  window.addEventListener("pagehide", flushAutosaves);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flushAutosaves();
  });

  function restorePending() {
    var pending = null;
    try {
      pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
      sessionStorage.removeItem(PENDING);
    } catch (ignored) { return; }
    if (document.querySelector('form[action$="/auth/login"]')) return;  // signed out: dropped
    if (!pending || Date.now() - pending.at > 10 * 60 * 1000) return;
    if (pending.path !== location.pathname) {  // back on that page later: restored then
      sessionStorage.setItem(PENDING, JSON.stringify(pending));
      return;
    }
    var form = document.getElementById(pending.form);
    if (!saverFor(form)) return;
    var stamp = {};
    var changed = false;
    pending.values.forEach(function (pair) {
      var name = pair[0], value = pair[1];
      if (name === "version" || name === "editor") { stamp[name] = value; return; }
      var field = form.elements.namedItem(name);
      if (!field || !("value" in field) || field.type === "checkbox" || field.type === "file") return;
      if (field.value !== value) { field.value = value; changed = true; }
    });
    if (!changed) return;
    var saver = saverFor(form);
    saver.dataset.typed = String(Number(saver.dataset.typed || 0) + 1);
    ["version", "editor"].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && stamp[name] !== undefined) field.value = stamp[name];
    });
    form.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.addEventListener("DOMContentLoaded", restorePending);
  document.addEventListener("submit", function (event) {
    if (/\/auth\/logout$/.test(event.target.action || "")) sessionStorage.removeItem(PENDING);
  });

  // 打印本页: a button a page marks data-print; hidden without JavaScript (the words beside
  // it say to use the browser's own print command then).
  function showPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", showPrintButtons);
  document.addEventListener("htmx:load", showPrintButtons);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  // A page's own scripts ({% block scripts %} in its <head>) run on a full load. A boosted
  // page change swaps only the body, so the scripts the new page's head names are added
  // here, once each; they set up what is already on the page when they run.
  document.addEventListener("htmx:afterSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!event.detail.boosted || !xhr || !xhr.responseText) return;
    var head = new DOMParser().parseFromString(xhr.responseText, "text/html").head;
    head.querySelectorAll("script[src]").forEach(function (script) {
      var src = script.getAttribute("src");
      var loaded = Array.prototype.some.call(document.scripts, function (existing) {
        return existing.getAttribute("src") === src;
      });
      if (loaded) return;
      var added = document.createElement("script");
      added.src = src;
      document.head.appendChild(added);
    });
  });

  function showFlash(text) {
    var region = document.getElementById("flash");
    if (!region) return;
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = text;
    region.replaceChildren(p);
  }
})();
