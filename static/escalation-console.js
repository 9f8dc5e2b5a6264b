// Expert console, progressive enhancement. A new question is noticeable without looking: the page title
// starts with the number waiting ("(2) Digihulplijn"), and an optional sound (off by default; switched on
// with the checkbox, which is also the user gesture browsers require before a page may play sound).
// Presence is sent over the socket; any touch of the page counts as activity (at most once a minute),
// so 'available' does not turn 'away' while the expert works. Without JavaScript: plain forms and reload.
(function () {
  'use strict';
  var root = document.querySelector('.escalation-console');
  if (!root || typeof io !== 'function') return;
  var SOUND_KEY = 'dichterbij.escalation-sound';
  var baseTitle = document.title.replace(/^\(\d+\)\s*/, '');
  var queued = Number(root.getAttribute('data-queued')) || 0;
  var callbacks = Number(root.getAttribute('data-callbacks')) || 0;
  var audio = null;
  var toggle = root.querySelector('[data-sound-toggle]');
  var hint = root.querySelector('[data-live-hint]');

  function soundOn() {
    try { return localStorage.getItem(SOUND_KEY) === 'on'; } catch (e) { return false; }
  }
  if (toggle) {
    toggle.checked = soundOn();
    toggle.addEventListener('change', function () {
      try { localStorage.setItem(SOUND_KEY, toggle.checked ? 'on' : 'off'); } catch (e) { /* private mode */ }
      if (toggle.checked && !audio && window.AudioContext) audio = new window.AudioContext();
    });
  }
  function beep() {
    if (!soundOn()) return;
    // Only after a gesture on this page (the checkbox or any click): never autoplay.
    if (!audio) return;
    var osc = audio.createOscillator();
    var gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.1;
    osc.connect(gain);
    gain.connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  }
  document.addEventListener('pointerdown', function () {
    if (soundOn() && !audio && window.AudioContext) audio = new window.AudioContext();
  }, true);

  // The queue, own chats and callbacks are fetched again and swapped in place (not while the expert is
  // working inside one of them: then the hint with a reload link shows instead).
  var busy = false;
  function refresh() {
    if (busy) return;
    busy = true;
    fetch(location.pathname, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) {
        if (r.redirected || !r.ok) { location.reload(); throw new Error('reload'); }
        return r.text();
      })
      .then(function (html) {
        var doc = new window.DOMParser().parseFromString(html, 'text/html');
        var held = false;
        doc.querySelectorAll('[data-live-section]').forEach(function (fresh) {
          var old = document.getElementById(fresh.id);
          if (!old || old.innerHTML === fresh.innerHTML) return;
          if (old.contains(document.activeElement)) { held = true; return; }
          old.innerHTML = fresh.innerHTML;
        });
        if (hint) hint.hidden = !held;
        hint = root.querySelector('[data-live-hint]');
        root.setAttribute('data-updated', String(Date.now()));
      })
      .catch(function () { if (hint) hint.hidden = false; })
      .then(function () { busy = false; });
  }

  function show(counts) {
    var waiting = counts.queued + counts.callbacksOpen;
    document.title = (waiting > 0 ? '(' + waiting + ') ' : '') + baseTitle;
    var q = root.querySelector('[data-live-count="queued"]');
    var c = root.querySelector('[data-live-count="callbacks"]');
    if (q) q.textContent = '(' + counts.queued + ')';
    if (c) c.textContent = '(' + counts.callbacksOpen + ')';
    if (counts.queued > queued || counts.callbacksOpen > callbacks) beep();
    if (counts.queued !== queued || counts.callbacksOpen !== callbacks) refresh();
    queued = counts.queued;
    callbacks = counts.callbacksOpen;
    root.setAttribute('data-queued', String(queued));
  }

  var socket = io({ transports: ['polling', 'websocket'] });
  socket.on('escalations:queue', function (payload) {
    if (payload) show({ queued: Number(payload.queued) || 0, callbacksOpen: Number(payload.callbacksOpen) || 0 });
  });
  socket.on('escalations:assigned', function () { refresh(); beep(); });
  // After a (re)connect the ack carries the current counts: nothing missed while the socket was down.
  socket.on('connect', function () {
    root.setAttribute('data-live', 'on');
    socket.emit('escalations:presence', {}, function (ack) { if (ack && ack.ok) show(ack); });
  });
  socket.on('disconnect', function (reason) {
    root.setAttribute('data-live', 'off');
    if (reason === 'io server disconnect') location.reload();
  });

  var lastTouch = Date.now();
  ['pointerdown', 'keydown'].forEach(function (type) {
    document.addEventListener(type, function () {
      if (Date.now() - lastTouch < 60000 || !socket.connected) return;
      lastTouch = Date.now();
      socket.emit('escalations:presence', {});
    }, true);
  });

  // Presence without a page load; on any problem the form is submitted normally.
  var form = root.querySelector('[data-presence-form]');
  if (form) {
    form.addEventListener('submit', function (e) {
      var checked = form.querySelector('input[name=status]:checked');
      if (!checked || !socket.connected || form.dataset.viaForm) return;
      e.preventDefault();
      socket.timeout(3000).emit('escalations:presence', { status: checked.value }, function (err, ack) {
        if (err || !ack || !ack.ok) { form.dataset.viaForm = '1'; form.submit(); return; }
        form.setAttribute('data-saved', checked.value);
      });
    });
  }
})();
