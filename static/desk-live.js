// Desk screen, progressive enhancement: live updates over socket.io. When the branch's queue or
// appointments change, the page is fetched again and the panels whose HTML changed are swapped in place
// (focus kept where possible). The call button goes over the socket when it can. Without JavaScript the
// desk works by reload and plain forms.
(function () {
  'use strict';
  var root = document.querySelector('.desk-panels[data-branch]');
  if (!root || typeof io !== 'function') return;
  var branch = Number(root.getAttribute('data-branch'));
  var DESK_KEY = 'dichterbij.desk';
  var timer = null;
  var busy = false;
  var again = false;
  // Live refreshes are requests too, and would keep an unattended desk signed in for ever. When nobody has
  // touched the page for (almost) the idle timeout, refreshes pause; the session then ends on the server,
  // the socket is closed, and the page reloads to the sign-in page. Any touch resumes and catches up.
  var idleEl = document.querySelector('[data-idle-minutes]');
  var idleMs = (idleEl ? Number(idleEl.getAttribute('data-idle-minutes')) : 15) * 60000 - 30000;
  var lastActive = Date.now();
  var paused = false;
  ['pointerdown', 'keydown', 'wheel'].forEach(function (type) {
    document.addEventListener(type, function () {
      lastActive = Date.now();
      if (paused) { paused = false; schedule(); }
    }, true);
  });

  function rememberedDesk() {
    try { return localStorage.getItem(DESK_KEY); } catch (e) { return null; }
  }
  function applyDesk() {
    var desk = rememberedDesk();
    if (!desk) return;
    root.querySelectorAll('select[name=desk]').forEach(function (s) {
      if (s.querySelector('option[value="' + desk + '"]') && !s.closest('tr').querySelector('.tag-warn')) s.value = desk;
    });
  }
  root.addEventListener('change', function (e) {
    if (e.target.name === 'desk') { try { localStorage.setItem(DESK_KEY, e.target.value); } catch (err) { /* private mode */ } }
  });

  // Remember what had focus as "form action + control name", which survives a swap of the HTML.
  function focusKey() {
    var a = document.activeElement;
    var form = a && a.closest && a.closest('.desk-panel form');
    return form ? { action: form.getAttribute('action'), name: a.name || '', tag: a.tagName } : null;
  }
  function restoreFocus(key) {
    if (!key) return;
    var form = root.querySelector('form[action="' + key.action + '"]');
    var target = form && (key.name ? form.querySelector(key.tag + '[name="' + key.name + '"]') : form.querySelector(key.tag));
    if (target) target.focus();
  }

  function swap() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.pathname + location.search, { credentials: 'same-origin', cache: 'no-store', headers: { 'X-Desk-Live': '1' } })
      .then(function (r) {
        // Signed out or expired: show the sign-in page instead of stale personal data.
        if (r.redirected || !r.ok) { location.reload(); throw new Error('reload'); }
        return r.text();
      })
      .then(function (html) {
        var doc = new window.DOMParser().parseFromString(html, 'text/html');
        var key = focusKey();
        var changed = false;
        doc.querySelectorAll('.desk-panel').forEach(function (fresh) {
          var old = document.getElementById(fresh.id);
          if (old && old.innerHTML !== fresh.innerHTML) { old.innerHTML = fresh.innerHTML; changed = true; }
        });
        if (changed) { applyDesk(); restoreFocus(key); root.setAttribute('data-updated', String(Date.now())); }
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; swap(); }
      });
  }
  function schedule(payload) {
    if (payload && payload.branchId !== undefined && Number(payload.branchId) !== branch) return;
    if (Date.now() - lastActive > idleMs) { paused = true; return; }
    clearTimeout(timer);
    timer = setTimeout(swap, 80);
  }

  // HTTP long-polling first, then an upgrade to WebSocket where the network allows it: behind a library
  // proxy that refuses or drops WebSockets the desk simply stays on polling and keeps updating live.
  var socket = io({ transports: ['polling', 'websocket'] });
  ['appointment.updated', 'walkin.updated', 'checkin', 'queue.updated', 'escalation:updated'].forEach(function (name) { socket.on(name, schedule); });
  socket.on('connect', function () {
    // Events sent before this socket joined its branch (between the page render and the first connect, which
    // takes a polling round trip or two) or during a reconnect are not replayed: catch up once.
    schedule();
    root.setAttribute('data-live', 'on');
  });
  socket.on('disconnect', function (reason) {
    // The server ends the socket when the session ends (sign-out, idle timeout): leave the screen.
    root.setAttribute('data-live', 'off');
    if (reason === 'io server disconnect') location.reload();
  });

  // "Call" without a page load; on any problem the form is submitted normally.
  root.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.hasAttribute('data-queue-call') || !socket.connected || form.dataset.viaForm) return;
    e.preventDefault();
    var select = form.querySelector('select[name=desk]');
    var payload = { kind: form.getAttribute('data-kind'), id: Number(form.getAttribute('data-id')), desk: select ? Number(select.value) : 1 };
    socket.timeout(3000).emit('queue.call', payload, function (err, ack) {
      if (err || !ack || !ack.ok) { form.dataset.viaForm = '1'; form.submit(); return; }
      var status = document.querySelector('[data-desk-status]');
      if (status && form.dataset.called) {
        status.textContent = form.dataset.called.replace('{desk}', String(payload.desk));
        status.hidden = false;
      }
      schedule();
    });
  }, true);
  applyDesk();
})();
