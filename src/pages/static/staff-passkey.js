// Staff passkey pages (src/staff/staff-pages.ts): registration from a one-time link, and sign-in. Asks the
// server for WebAuthn options, lets the browser's passkey UI run (@simplewebauthn/browser, served beside
// this file as webauthn-browser.js), posts the answer back as JSON, then goes to the staff home page. The
// server decides everything; this only carries the ceremony.
'use strict';

(() => {
  const box = document.getElementById('passkey');
  const start = document.getElementById('passkey-start');
  const status = document.getElementById('passkey-status');
  if (!box || !start || !status) return;
  const { kind, optionsUrl, answerUrl, doneUrl } = box.dataset;
  const lib = window.SimpleWebAuthnBrowser;

  const say = (text) => { status.textContent = text; };

  async function post(url, body) {
    const res = await fetch(url, {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(json.error_description || `the server refused (${res.status})`);
    return json;
  }

  async function run() {
    start.disabled = true;
    try {
      if (!lib || !lib.browserSupportsWebAuthn()) throw new Error('this browser cannot use passkeys');
      say('Waiting for your passkey…');
      const { options } = await post(optionsUrl, {});
      const answer = kind === 'register'
        ? await lib.startRegistration({ optionsJSON: options })
        : await lib.startAuthentication({ optionsJSON: options });
      say('Checking…');
      await post(answerUrl, { answer });
      say(kind === 'register' ? 'Passkey registered. Signing you in…' : 'Signed in.');
      window.location.assign(doneUrl);
    } catch (e) {
      say(`${kind === 'register' ? 'The passkey was not registered' : 'Sign-in failed'}: ${e && e.message ? e.message : e}`);
      start.disabled = false;
    }
  }

  start.addEventListener('click', () => { run(); });
})();
