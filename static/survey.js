// Kiosk survey: start fresh for the next visitor. Without this file the thank-you page has a plain link.
(function () {
  'use strict';
  var restart = document.querySelector('[data-survey-restart]');
  if (restart) {
    setTimeout(function () { window.location.href = restart.href; }, 20000);
    return;
  }
  var form = document.querySelector('[data-survey]');
  if (!form) return;
  var idle;
  function arm() {
    clearTimeout(idle);
    // Half-finished answers are cleared after a while; an untouched page is reloaded so its form
    // token never expires while the kiosk waits.
    idle = setTimeout(function () { window.location.reload(); }, 90000);
  }
  form.addEventListener('change', arm);
  arm();
})();
