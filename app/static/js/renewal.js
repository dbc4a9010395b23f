/* 续约: reading countdowns and the 复制 button. A convenience only: the server refuses
   我已阅知 / 马上签署 before the time is up, and without JavaScript everything works. */
(function () {
  "use strict";

  function startCountdown(button) {
    if (button.dataset.countdownReady) return;
    button.dataset.countdownReady = "1";
    var left = parseInt(button.dataset.countdown, 10) || 0;
    var label = button.dataset.countdownLabel || button.textContent;
    if (left <= 0) {
      button.textContent = label;
      return;
    }
    button.disabled = true;
    var timer = window.setInterval(function () {
      left -= 1;
      if (left > 0) {
        button.textContent = label + "（" + left + "秒）";
        return;
      }
      window.clearInterval(timer);
      button.disabled = false;
      button.textContent = label;
    }, 1000);
  }

  function initCopy(button) {
    if (button.dataset.copyReady) return;
    button.dataset.copyReady = "1";
    var source = document.getElementById(button.dataset.copyTarget);
    var target = document.getElementById(button.dataset.copyInto);
    var status = document.getElementById("copy-status");
    if (!source) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.textContent.trim();
      function done(message) {
        if (status) status.textContent = message;
        if (target) target.focus();
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(
          function () { done("已复制，请在下方输入框中粘贴"); },
          function () { done("无法自动复制，请长按承诺书文字复制，或照着输入"); }
        );
      } else {
        done("无法自动复制，请长按承诺书文字复制，或照着输入");
      }
    });
  }

  function init(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("[data-countdown]").forEach(startCountdown);
    root.querySelectorAll("[data-copy-target]").forEach(initCopy);
  }

  // Loaded at the end of parsing (defer), or added later by app.js after a boosted page change.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();
