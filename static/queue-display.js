// Waiting-room display: a tiny socket.io (engine.io v4) client over a plain WebSocket, so this public
// page stays far below its byte budget. It joins the branch's read-only screen channel, answers pings,
// re-renders on 'queue.updated', and reconnects with backoff; after each (re)connect it fetches the current
// state, so a network drop or a server restart never leaves stale numbers. Library networks often sit
// behind proxies that refuse WebSockets: whenever the live channel is not up (blocked, closed, not yet
// open, or no WebSocket at all) the screen polls /queue/:id/state.json every few seconds instead, and
// stops polling as soon as the WebSocket works again. "Offline" shows only when neither gets through.
// Without JavaScript the page reloads itself (<noscript> meta refresh).
(function () {
  'use strict';
  var root = document.querySelector('[data-queue-branch]');
  if (!root) return;
  var branch = root.getAttribute('data-queue-branch');
  var list = document.getElementById('calls');
  var waiting = document.getElementById('waiting');
  var offline = document.getElementById('offline');
  var POLL_MS = 3000;
  var delay = 1000;
  var deadAfter = 60000;
  var live = false;
  var poller;
  var watchdog;
  var ws;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function part(cls, label, value) {
    var span = el('span', cls, label + ' ');
    span.appendChild(el('strong', '', String(value)));
    return span;
  }
  function render(state) {
    if (!state || !state.calls) return;
    var items = [];
    state.calls.forEach(function (c) {
      var li = el('li', 'call');
      li.appendChild(part('call-what', root.getAttribute('data-t-' + (c.kind === 'appointment' ? 'appointment' : 'walkin')), c.label));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(part('call-desk', root.getAttribute('data-t-desk'), c.desk));
      items.push(li);
    });
    if (!items.length) items.push(el('li', 'call call-none', root.getAttribute('data-t-none')));
    list.replaceChildren.apply(list, items);
    waiting.textContent = root.getAttribute('data-t-waiting').replace('{n}', String(state.waiting));
  }
  function refresh() {
    fetch('/queue/' + branch + '/state.json', { cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        render(state);
        if (!live) offline.hidden = !!state;
      })
      .catch(function () { if (!live) offline.hidden = false; });
  }
  // Polling runs exactly while the live channel is down.
  function setLive(on) {
    live = on;
    clearInterval(poller);
    if (!on) poller = setInterval(refresh, POLL_MS);
  }
  // No ping from the server for too long means a dead connection that the browser has not noticed yet.
  function alive() {
    clearTimeout(watchdog);
    watchdog = setTimeout(function () { ws.close(); }, deadAfter);
  }
  function retry() {
    setTimeout(connect, delay + Math.random() * 500);
    delay = Math.min(delay * 2, 15000);
  }
  function connect() {
    try {
      ws = new window.WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/socket.io/?EIO=4&transport=websocket');
    } catch (e) {
      return retry();
    }
    ws.onmessage = function (e) {
      var d = String(e.data);
      alive();
      if (d.charAt(0) === '0') {
        var open = JSON.parse(d.slice(1));
        deadAfter = open.pingInterval + open.pingTimeout + 5000;
        ws.send('40' + JSON.stringify({ screen: branch }));
      } else if (d === '2') {
        ws.send('3');
      } else if (d.slice(0, 2) === '40') {
        delay = 1000;
        setLive(true);
        offline.hidden = true;
        refresh();
      } else if (d.slice(0, 2) === '42') {
        var msg = JSON.parse(d.slice(2));
        if (msg[0] === 'queue.updated') render(msg[1]);
      } else if (d === '1' || d.slice(0, 2) === '41' || d.slice(0, 2) === '44') {
        ws.close();
      }
    };
    ws.onclose = function () {
      clearTimeout(watchdog);
      setLive(false);
      refresh();
      retry();
    };
  }
  setLive(false);
  if (window.WebSocket) connect();
})();
