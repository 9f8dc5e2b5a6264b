// "Lees voor": reads the page's main content aloud with the browser's own speech synthesis (no external
// service). Progressive enhancement: the button only appears when the browser has a voice for the page's
// language (voices may arrive later, hence voiceschanged).
(function () {
  'use strict';
  var synth = window.speechSynthesis;
  var slot = document.querySelector('[data-read-aloud]');
  var main = document.getElementById('main');
  if (!synth || !window.SpeechSynthesisUtterance || !slot || !main) return;
  var lang = (document.documentElement.lang || 'nl').toLowerCase();
  var button;
  function voice() {
    var voices = synth.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (String(voices[i].lang).toLowerCase().replace('_', '-').split('-')[0] === lang) return voices[i];
    }
    return null;
  }
  function offer() {
    var v = voice();
    if (button || !v) return;
    button = document.createElement('button');
    button.type = 'button';
    button.className = 'button-link read-aloud';
    button.textContent = slot.getAttribute('data-label');
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', function () {
      var on = button.getAttribute('aria-pressed') === 'true';
      synth.cancel();
      button.setAttribute('aria-pressed', String(!on));
      if (on) return;
      // One utterance per line of text: some browsers stop a long utterance after about 15 seconds.
      var lines = main.innerText.split(/\n+/).filter(function (l) { return l.trim(); });
      lines.forEach(function (line, i) {
        var u = new window.SpeechSynthesisUtterance(line);
        u.lang = v.lang;
        u.voice = voice() || v;
        if (i === lines.length - 1) u.onend = function () { button.setAttribute('aria-pressed', 'false'); };
        u.onerror = function () { button.setAttribute('aria-pressed', 'false'); };
        synth.speak(u);
      });
    });
    slot.appendChild(button);
  }
  offer();
  if (synth.addEventListener) synth.addEventListener('voiceschanged', offer);
  window.addEventListener('pagehide', function () { synth.cancel(); });
})();
