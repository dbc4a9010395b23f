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

  function showFlash(text) {
    var region = document.getElementById("flash");
    if (!region) return;
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = text;
    region.replaceChildren(p);
  }
})();
