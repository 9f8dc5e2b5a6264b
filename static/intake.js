// Intake form enhancements. The form works fully without this file: the organisation step is a plain
// submit button, and the duration is chosen by hand.
(function () {
  'use strict';
  var form = document.querySelector('[data-intake-form]');
  if (!form) return;

  // Organisation → topic without a round trip: copy that organisation's topics from the <template>.
  var org = form.querySelector('#organisation');
  var topic = form.querySelector('#topic');
  var source = document.getElementById('topic-options');
  var step = form.querySelector('[data-step-button]');
  if (org && topic && source && source.content) {
    if (step) step.parentNode.removeChild(step);
    // Without the button, the hint must not mention it.
    var firstHint = document.getElementById('topic-hint');
    if (firstHint && form.dataset.topicHintJs) firstHint.textContent = form.dataset.topicHintJs;
    org.addEventListener('change', function () {
      var empty = topic.options[0];
      while (topic.options.length > 1) topic.remove(1);
      var group = source.content.querySelector('optgroup[data-org="' + org.value + '"]');
      if (group) {
        Array.prototype.forEach.call(group.children, function (o) { topic.appendChild(o.cloneNode(true)); });
      }
      topic.value = empty ? empty.value : '';
      var hint = document.getElementById('topic-hint');
      if (hint) hint.hidden = !!org.value;
    });
  }

  // "Doorverwezen naar" only when the result is "referred" (without this file it is labelled as such).
  var partnerField = form.querySelector('[data-partner-field]');
  var outcomes = form.querySelectorAll('input[name="outcome"]');
  if (partnerField && outcomes.length) {
    var syncPartner = function () {
      var chosen = form.querySelector('input[name="outcome"]:checked');
      var referred = !!chosen && chosen.getAttribute('data-key') === 'referred';
      var select = partnerField.querySelector('select');
      if (!referred && select && select.value && !partnerField.hidden) select.value = '';
      partnerField.hidden = !referred && !(select && select.value);
    };
    Array.prototype.forEach.call(outcomes, function (r) { r.addEventListener('change', syncPartner); });
    syncPartner();
  }

  // A running timer that picks the duration bucket, until the volunteer picks one by hand.
  var timer = form.querySelector('[data-timer]');
  var output = form.querySelector('[data-timer-output]');
  var durations = form.querySelectorAll('input[name="duration"]');
  if (!timer || !output || !durations.length || form.dataset.intakeForm !== 'new') return;
  var started = Date.now();
  var manual = false;
  Array.prototype.forEach.call(durations, function (r) {
    r.addEventListener('change', function (e) { if (e.isTrusted) manual = true; });
  });
  function bucket(minutes) {
    if (minutes < 5) return 'lt5';
    if (minutes < 15) return 'm5_15';
    if (minutes < 30) return 'm15_30';
    if (minutes < 60) return 'm30_60';
    return 'gt60';
  }
  function tick() {
    var seconds = Math.floor((Date.now() - started) / 1000);
    output.textContent = Math.floor(seconds / 60) + ':' + ('0' + (seconds % 60)).slice(-2);
    if (manual) return;
    var target = form.querySelector('input[name="duration"][data-bucket="' + bucket(seconds / 60) + '"]');
    if (target && !target.checked) target.checked = true;
  }
  timer.hidden = false;
  tick();
  setInterval(tick, 1000);
})();
