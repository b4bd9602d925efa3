// "Use your phone" on the computer's capture page (src/pages/handoff-section.ts). Asks the server for a
// one-time QR code and a six-digit code, shows them, then follows the phone's progress: Server-Sent Events,
// or polling the status URL every 2 s when EventSource is missing or fails. When the phone's capture has
// been decided it posts the complete form, whose answer is the form_post to Entra: the result goes back
// from this computer, with this page's CSRF token, never from the phone.
'use strict';

(() => {
  const section = document.getElementById('handoff');
  if (!section || !section.dataset.startUrl) return;

  const startUrl = section.dataset.startUrl;
  const csrfToken = section.dataset.csrfToken;
  const start = document.getElementById('handoff-start');
  const panel = document.getElementById('handoff-panel');
  const qr = document.getElementById('handoff-qr');
  const code = document.getElementById('handoff-code');
  const status = document.getElementById('handoff-status');
  const complete = document.getElementById('handoff-complete');

  const MESSAGES = {
    waiting: 'Scan the QR code with your phone\'s camera. The code works once, for a few minutes.',
    opened: 'Your phone opened the link. Check that it shows the same code, then confirm on the phone.',
    confirmed: 'Take the photo on your phone. This page finishes the sign-in.',
    decided: 'Your phone is done. Returning you to sign-in…',
    ended: 'The phone hand-off has ended.',
    expired: 'The QR code has expired. Choose "Use your phone" for a new one.',
  };
  const FINAL = ['decided', 'ended', 'expired'];

  let current = null;
  let source = null;
  let pollTimer = null;

  const say = (text) => { status.textContent = text; };

  function stopFollowing() {
    if (source) source.close();
    source = null;
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
  }

  function show(state) {
    if (!current || !MESSAGES[state]) return;
    section.dataset.state = state;
    say(MESSAGES[state]);
    if (state === 'opened' || state === 'confirmed') qr.hidden = true;
    if (!FINAL.includes(state)) return;
    stopFollowing();
    if (state === 'decided') {
      complete.submit();
      return;
    }
    panel.hidden = true;
    start.disabled = false;
    current = null;
  }

  function poll() {
    const followed = current;
    pollTimer = setTimeout(async () => {
      if (current !== followed) return;
      try {
        const response = await fetch(followed.statusUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
        const answer = await response.json();
        if (current !== followed) return;
        if (answer && answer.state) show(answer.state);
      } catch {
        // A dropped connection: try again at the next tick.
      }
      if (current === followed && !FINAL.includes(section.dataset.state)) poll();
    }, 2000);
  }

  function follow() {
    if (typeof EventSource !== 'function') {
      poll();
      return;
    }
    const followed = current;
    source = new EventSource(followed.eventsUrl);
    source.addEventListener('progress', (event) => {
      try {
        show(JSON.parse(event.data).state);
      } catch {
        // An event this page cannot read changes nothing.
      }
    });
    // A stream the server refused (too many), a proxy that breaks it, or a dropped connection: poll instead.
    source.addEventListener('error', () => {
      if (current !== followed || !source) return;
      source.close();
      source = null;
      poll();
    });
  }

  start.addEventListener('click', async () => {
    start.disabled = true;
    stopFollowing();
    say('Making a QR code…');
    let answer = null;
    try {
      const response = await fetch(startUrl, {
        method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrfToken, Accept: 'application/json' },
      });
      answer = await response.json().catch(() => null);
    } catch {
      answer = null;
    }
    if (!answer || !answer.qr) {
      say(answer && answer.error_description ? `No QR code: ${answer.error_description}.` : 'No QR code could be made. Check your connection and try again.');
      start.disabled = false;
      return;
    }
    current = answer;
    qr.src = answer.qr;
    qr.hidden = false;
    code.textContent = answer.code;
    complete.action = answer.completeUrl;
    panel.hidden = false;
    section.dataset.state = 'waiting';
    say(MESSAGES.waiting);
    document.dispatchEvent(new CustomEvent('proofgate:handoff-started'));
    follow();
  });

  section.hidden = false;
})();
