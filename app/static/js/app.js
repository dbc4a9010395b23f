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

  // After an htmx swap that shows an error summary, move focus to it for screen readers.
  document.addEventListener("htmx:afterSettle", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
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

  function showFlash(text) {
    var region = document.getElementById("flash");
    if (!region) return;
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = text;
    region.replaceChildren(p);
  }
})();
