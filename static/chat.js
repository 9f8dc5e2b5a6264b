// Escalation chat, progressive enhancement (views/escalations/_chat.ejs). Without JavaScript the page shows
// the conversation and sends by form post. With it: live messages, typing, read markers, and sending over
// socket.io with the client's own idempotency key, so a resend after a dropped connection is stored once.
// The client remembers the last seq it saw and on every (re)connect asks for what came after it
// (chat:join { afterSeq }); each seq is shown once, whichever way it arrived. socket.io starts on HTTP
// long-polling and upgrades to WebSocket when it can, so a proxy that blocks WebSockets still works.
(function () {
  'use strict';
  var root = document.getElementById('chat');
  if (!root || typeof io !== 'function') return;
  var escalationId = Number(root.getAttribute('data-chat-escalation'));
  var side = root.getAttribute('data-chat-side');
  var lastSeq = Number(root.getAttribute('data-last-seq')) || 0;
  var otherReadSeq = Number(root.getAttribute('data-other-read-seq')) || 0;
  var log = document.getElementById('chat-log');
  var typingEl = document.getElementById('chat-typing');
  var statusEl = document.getElementById('chat-status');
  var unreadEl = document.getElementById('chat-unread');
  var form = document.getElementById('chat-form');
  var text = function (name) { return root.getAttribute('data-t-' + name) || ''; };
  var baseTitle = document.title;
  var unseen = 0;
  /** Messages typed but not yet acknowledged: { clientId, body, kind, el }. Resent after every reconnect. */
  var pending = [];
  var timeFormat;
  try { timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || 'nl', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' }); } catch (e) { timeFormat = null; }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    // Older browsers: random enough for a key that only has to be unique per sender and conversation.
    var s = '';
    var bytes = window.crypto && window.crypto.getRandomValues ? window.crypto.getRandomValues(new Uint8Array(16)) : null;
    for (var i = 0; i < 16; i++) s += ((bytes ? bytes[i] : Math.floor(Math.random() * 256)) + 256).toString(16).slice(1);
    return s;
  }

  function setStatus(message) { statusEl.textContent = message; }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function markRead() {
    log.querySelectorAll('.chat-own.chat-message').forEach(function (li) {
      var seq = Number(li.getAttribute('data-seq'));
      var meta = li.querySelector('.chat-meta');
      if (seq <= otherReadSeq && meta && !meta.querySelector('.chat-read')) meta.appendChild(el('span', 'chat-read', text('read')));
    });
  }

  // Text only: every value goes in through textContent, never as HTML.
  function render(m) {
    var own = m.senderRole === side;
    var li = el('li', 'chat-line chat-' + m.kind + (own ? ' chat-own' : ''));
    li.setAttribute('data-seq', String(m.seq));
    var time = el('time', null, timeFormat ? timeFormat.format(new Date(m.sentAt)) : m.sentAt.slice(11, 16));
    time.setAttribute('datetime', m.sentAt);
    if (m.kind === 'system') {
      var line = el('p', 'chat-body', m.body + ' ');
      var meta = el('span', 'chat-meta');
      meta.appendChild(time);
      line.appendChild(meta);
      li.appendChild(line);
      return li;
    }
    var head = el('p', 'chat-meta');
    head.appendChild(el('strong', null, own ? text('you') : m.senderName || text(m.senderRole)));
    head.appendChild(document.createTextNode(' '));
    if (m.kind === 'note') {
      head.appendChild(el('span', 'tag tag-warn', text('note')));
      head.appendChild(document.createTextNode(' '));
    }
    head.appendChild(time);
    li.appendChild(head);
    li.appendChild(el('p', 'chat-body', m.body));
    return li;
  }

  function showUnread() {
    unreadEl.textContent = unseen > 0 ? text('unread').replace('{n}', String(unseen)) : '';
    document.title = unseen > 0 ? '(' + unseen + ') ' + baseTitle : baseTitle;
  }

  var readTimer = null;
  function sendRead() {
    if (document.visibilityState === 'hidden') return;
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      unseen = 0;
      showUnread();
      if (socket.connected) socket.emit('chat:read', { escalationId: escalationId, seq: lastSeq }, function () {});
    }, 300);
  }

  /** Adds messages in seq order; a seq already shown (live and again in a catch-up) is skipped. */
  function add(messages) {
    var fresh = false;
    messages.forEach(function (m) {
      if (m.escalationId !== escalationId || m.seq <= lastSeq) return;
      var empty = document.getElementById('chat-empty');
      if (empty) empty.remove();
      log.appendChild(render(m));
      lastSeq = m.seq;
      root.setAttribute('data-last-seq', String(lastSeq));
      if (m.senderRole !== side) {
        fresh = true;
        typingEl.textContent = ''; // Their message is here: they stopped typing it.
        if (document.visibilityState === 'hidden') unseen++;
      }
    });
    if (fresh) { showUnread(); sendRead(); }
    markRead();
  }

  // Polling first, then an upgrade to WebSocket (socket.io's default): where a proxy refuses the upgrade,
  // the chat simply stays on polling.
  var socket = io({ transports: ['polling', 'websocket'], reconnectionDelayMax: 5000 });
  function noteTransport() { if (socket.io.engine) root.setAttribute('data-transport', socket.io.engine.transport.name); }

  function resendPending() {
    pending.slice().forEach(send);
  }

  socket.on('connect', function () {
    noteTransport();
    if (socket.io.engine) socket.io.engine.once('upgrade', noteTransport);
    setStatus('');
    socket.timeout(10000).emit('chat:join', { escalationId: escalationId, afterSeq: lastSeq }, function (err, ack) {
      if (err || !ack || !ack.ok) return;
      add(ack.messages);
      if (ack.otherReadSeq > otherReadSeq) { otherReadSeq = ack.otherReadSeq; markRead(); }
      root.setAttribute('data-joined', '1');
      resendPending();
      sendRead();
    });
  });
  socket.on('disconnect', function () { setStatus(text('offline')); root.removeAttribute('data-joined'); });
  socket.on('chat:message', function (m) { add([m]); });
  socket.on('chat:read', function (r) {
    if (r.escalationId !== escalationId || r.side === side) return;
    if (r.seq > otherReadSeq) { otherReadSeq = r.seq; markRead(); }
  });
  var typingHide = null;
  socket.on('chat:typing', function (t) {
    if (t.escalationId !== escalationId || t.side === side) return;
    typingEl.textContent = t.typing ? text('typing') : '';
    clearTimeout(typingHide);
    if (t.typing) typingHide = setTimeout(function () { typingEl.textContent = ''; }, 6000);
  });
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'visible') sendRead(); });

  function send(item) {
    if (!socket.connected) { setStatus(text('failed')); return; }
    socket.timeout(10000).emit('chat:send', { escalationId: escalationId, clientId: item.clientId, body: item.body, kind: item.kind }, function (err, ack) {
      if (err) { setStatus(text('failed')); return; } // Kept in `pending`: sent again after the reconnect.
      var at = pending.indexOf(item);
      if (at === -1) return;
      pending.splice(at, 1);
      if (item.el) item.el.remove();
      if (ack && ack.ok) { setStatus(''); add([ack.message]); return; }
      // Refused (too many messages, conversation ended): say so, and give the text back to edit.
      setStatus(ack && ack.error === 'rate_limited' ? text('rate-limited') : text('not-active'));
      if (form && form.elements.body && !form.elements.body.value) form.elements.body.value = item.body;
    });
  }

  if (form) {
    var typingSent = 0;
    var typingOff = null;
    form.elements.body.addEventListener('input', function () {
      var now = Date.now();
      if (now - typingSent > 2500 && socket.connected) {
        typingSent = now;
        socket.emit('chat:typing', { escalationId: escalationId, typing: true }, function () {});
      }
      clearTimeout(typingOff);
      typingOff = setTimeout(function () {
        typingSent = 0;
        if (socket.connected) socket.emit('chat:typing', { escalationId: escalationId, typing: false }, function () {});
      }, 3000);
    });
    form.addEventListener('submit', function (e) {
      var body = form.elements.body.value.trim();
      // Without a connection the form posts the ordinary way (the hidden clientId makes a resend harmless).
      if (!socket.connected || !body) return;
      e.preventDefault();
      var kindInput = form.querySelector('input[name=kind]:checked');
      var item = { clientId: newClientId(), body: body, kind: kindInput ? kindInput.value : 'message', el: null };
      item.el = el('li', 'chat-line chat-own chat-pending');
      item.el.appendChild(el('p', 'chat-meta', text('sending')));
      item.el.appendChild(el('p', 'chat-body', body));
      log.appendChild(item.el);
      pending.push(item);
      form.elements.body.value = '';
      form.elements.body.focus();
      clearTimeout(typingOff);
      typingSent = 0;
      send(item);
    });
    form.elements.body.addEventListener('keydown', function (e) {
      // Enter sends, Shift+Enter is a new line (as in every chat).
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.submit(); }
    });
  }
})();
