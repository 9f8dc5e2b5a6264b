// Kiosk pages, progressive enhancement only: go back to the start after a while so the next person sees
// nothing of the previous one (without JavaScript a <noscript> meta refresh does the same), with a button
// for more time (WCAG 2.2.1), and a print button on the ticket.
(function () {
  'use strict';
  var print = document.querySelector('[data-print]');
  if (print) {
    print.hidden = false;
    print.addEventListener('click', function () { window.print(); });
  }
  var el = document.querySelector('[data-reset-after]');
  if (!el) return;
  var full = parseInt(el.getAttribute('data-reset-after'), 10) || 30;
  var left = full;
  var text = el.getAttribute('data-reset-text');
  var onlyIfFilled = el.hasAttribute('data-reset-if-filled');
  // The reset target switches the kiosk back to its own language first (/language/nl?back=/check-in), so the
  // next person does not find the previous visitor's choice; a start page in another language counts as filled.
  var home = el.getAttribute('data-reset-url') || '/check-in';
  var homeLang = (/^\/language\/([\w-]+)/.exec(home) || [])[1];
  var foreign = !!homeLang && document.documentElement.lang !== homeLang;
  function show() { if (text) el.textContent = text.replace('{s}', String(left)); }
  // The countdown itself is not read aloud every second; a screen reader hears it once, shortly before the end.
  var status = document.querySelector('[data-reset-status]');
  var warned = false;
  function warn() {
    if (warned || !status || left > 15) return;
    warned = true;
    status.textContent = el.textContent;
  }
  var more = document.querySelector('[data-more-time]');
  if (more) {
    more.hidden = false;
    more.addEventListener('click', function () { full += 60; left += 60; warned = false; show(); });
  }
  // Someone typing or tapping is still there: start counting again.
  ['keydown', 'pointerdown', 'input'].forEach(function (type) {
    document.addEventListener(type, function () { left = full; warned = false; show(); });
  });
  setInterval(function () {
    left -= 1;
    if (left <= 0) {
      var filled = Array.prototype.some.call(document.querySelectorAll('input[type=text]'), function (i) { return i.value !== ''; });
      if (onlyIfFilled && !filled && !foreign) { left = full; return; }
      location.replace(home);
      return;
    }
    show();
    warn();
  }, 1000);
})();
