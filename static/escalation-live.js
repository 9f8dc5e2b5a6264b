// Escalation page, progressive enhancement: the volunteer's view of one escalation follows it live. On an
// 'escalation:updated' event for this escalation the state block is fetched again and swapped in place
// (place in the queue, experts available, estimated wait); when the status itself changes (accepted,
// closed, withdrawn) the whole page is reloaded so the chat appears. Without JavaScript: reload the page.
(function () {
  'use strict';
  var block = document.querySelector('.escalation-state[data-escalation]');
  if (!block || typeof io !== 'function') return;
  var id = Number(block.getAttribute('data-escalation'));
  var statusEl = block.querySelector('[data-field="status"]');
  var status = statusEl ? statusEl.textContent : '';
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
        var fresh = doc.querySelector('.escalation-state[data-escalation="' + id + '"]');
        if (!fresh) return;
        var freshStatus = fresh.querySelector('[data-field="status"]');
        if (freshStatus && freshStatus.textContent !== status) { location.reload(); return; }
        // Nobody available any more (or again): the fallback with the helpline's number comes and goes.
        var freshCount = fresh.querySelector('[data-field="availableExperts"]');
        var count = block.querySelector('[data-field="availableExperts"]');
        if (freshCount && count && (freshCount.textContent === '0') !== (count.textContent === '0')) { location.reload(); return; }
        var live = document.getElementById('escalation-live');
        var current = live && live.querySelector('.escalation-state');
        if (current && current.innerHTML !== fresh.innerHTML) current.innerHTML = fresh.innerHTML;
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }

  // Polling first, then WebSocket where the network allows it (library proxies often refuse WebSockets).
  var socket = io({ transports: ['polling', 'websocket'] });
  socket.on('escalation:updated', function (payload) {
    if (payload && Number(payload.escalationId) === id) refresh();
  });
  // Events missed between the page render and the (re)connect are not replayed: catch up once.
  socket.on('connect', refresh);
})();
