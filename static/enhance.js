// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Move focus to the error summary so screen-reader and keyboard users hear what went wrong.
  var summary = document.querySelector('[data-autofocus]');
  if (summary) summary.focus();
  // Prevent a second click on a submit button from sending a form twice.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form.dataset.submitted) { e.preventDefault(); return; }
    form.dataset.submitted = '1';
    setTimeout(function () { delete form.dataset.submitted; }, 4000);
  });
})();
