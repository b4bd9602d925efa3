// The first-time page's station path (docs/kiosk.md, "The kiosk UI"). On a station the kiosk agent
// answers on loopback (data-agent-origin); anywhere else it does not, and the page stays as it is. The
// page obtains captures only through the agent, which signs the envelope; this script then posts that
// envelope to the appliance and follows the decision back to Entra. It never claims to be a kiosk: the
// appliance believes only the station's signature.
// One action per screen; any failure is said in plain words with a retry; after data-idle-seconds without
// a touch the agent wipes what it holds (POST /reset) and the page returns to its start screen.
(() => {
  'use strict';
  const main = document.getElementById('verify');
  const station = document.getElementById('station');
  if (!main || !station) return;
  const agent = station.dataset.agentOrigin;
  const captureUrl = main.dataset.captureUrl;
  const csrf = main.dataset.csrfToken;
  const nonce = main.dataset.challengeNonce;
  const sessionMatch = /\/verify\/([A-Za-z0-9_-]+)\/capture$/.exec(captureUrl || '');
  if (!agent || !captureUrl || !nonce || !sessionMatch) return;
  const ids = { sessionId: sessionMatch[1], nonce };
  const idleMs = Number(station.dataset.idleSeconds || '90') * 1000;
  const STEPS = ['scan', 'chip', 'selfie'];
  let hasChip = true;
  let current = 'start';
  let failedStep = null;
  let idleTimer = null;
  let busy = false;

  function screen(name) {
    current = name;
    for (const el of station.querySelectorAll('.screen')) el.hidden = el.dataset.screen !== name;
    const steps = hasChip ? STEPS : STEPS.filter((s) => s !== 'chip');
    const at = steps.indexOf(name);
    const progress = document.getElementById('station-progress');
    progress.textContent = at >= 0 ? station.dataset.msgProgress.replace('{step}', String(at + 1)).replace('{steps}', String(steps.length)) : '';
  }

  async function callAgent(path, body) {
    const res = await fetch(`${agent}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store', credentials: 'omit',
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(json.message || `agent ${res.status}`), { agentError: json.error || 'internal' });
    return json;
  }

  const MESSAGE_FOR = {
    'device-unplugged': 'msgUnplugged', 'device-removed': 'msgRemoved', 'device-access-denied': 'msgAccessDenied',
    'device-corrupt': 'msgCorrupt', 'device-timeout': 'msgTimeout', 'clock-skew': 'msgClock', 'appliance-unreachable': 'msgClock',
  };

  function showError(step, error) {
    failedStep = step;
    station.querySelector('.station-error').textContent = station.dataset[MESSAGE_FOR[error] || 'msgError'];
    screen('error');
  }

  /** Resets what the agent holds for this session and returns to the start screen. */
  async function wipeAndRestart() {
    try { await callAgent('/reset', { sessionId: ids.sessionId }); } catch { /* the agent wipes on its own TTL too */ }
    for (const f of station.querySelectorAll('.field')) f.textContent = '';
    failedStep = null;
    screen('start');
  }

  function touched() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => { if (!busy) void wipeAndRestart(); else touched(); }, idleMs);
  }

  const field = (name) => station.querySelector(`.field[data-field="${name}"]`).textContent;

  async function run(step, work, next) {
    if (busy) return;
    busy = true;
    try {
      await work();
      busy = false;
      screen(next);
    } catch (e) {
      busy = false;
      showError(step, e.agentError || 'internal');
    }
  }

  async function finish() {
    screen('working');
    busy = true;
    let answer;
    try {
      const envelope = await callAgent('/envelope', ids);
      const res = await fetch(captureUrl, {
        method: 'POST', body: JSON.stringify(envelope), credentials: 'same-origin',
        headers: { 'content-type': 'application/vnd.proofgate.captures+json', 'x-csrf-token': csrf, accept: 'application/json' },
      });
      answer = await res.json().catch(() => ({}));
    } catch (e) {
      busy = false;
      showError('selfie', e.agentError || 'internal');
      return;
    }
    busy = false;
    if (answer && answer.postBack) {
      station.querySelector('.station-working').textContent = station.dataset.msgDone;
      postBack(answer.postBack);
      return;
    }
    // A retry (another attempt allowed): the captures were used; start the steps again.
    showError('scan', answer && answer.error ? answer.error : 'internal');
  }

  function postBack(p) {
    clearTimeout(idleTimer);
    const form = document.createElement('form');
    form.method = 'post';
    form.action = p.redirectUri;
    for (const [name, value] of Object.entries(p.fields)) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = String(value);
      form.appendChild(input);
    }
    document.body.appendChild(form);
    form.submit();
  }

  const actions = {
    start: () => { screen('scan'); },
    scan: () => run('scan', () => callAgent('/scan', ids), hasChip ? 'chip' : 'selfie'),
    chip: () => run('chip', () => callAgent('/chip', {
      ...ids, accessKey: { documentNumber: field('documentNumber'), dateOfBirth: field('dateOfBirth'), dateOfExpiry: field('dateOfExpiry') },
    }), 'selfie'),
    selfie: () => run('selfie', () => callAgent('/selfie', ids), 'working').then(() => { if (current === 'working') return finish(); }),
    retry: () => { if (failedStep === 'chip') screen('chip'); else void wipeAndRestart().then(() => screen('scan')); },
    restart: () => { void wipeAndRestart(); },
  };

  let focusedField = 'documentNumber';
  station.addEventListener('click', (ev) => {
    touched();
    const target = ev.target.closest('button, .field');
    if (!target) return;
    if (target.classList.contains('field')) { focusedField = target.dataset.field; return; }
    if (target.dataset.key) {
      const out = station.querySelector(`.field[data-field="${focusedField}"]`);
      if (target.dataset.key === 'back') out.textContent = out.textContent.slice(0, -1);
      else if (out.textContent.length < (focusedField === 'documentNumber' ? 22 : 6)) out.textContent += target.dataset.key;
      return;
    }
    const action = actions[target.dataset.action];
    if (action) void action();
  });
  for (const f of station.querySelectorAll('.field')) f.addEventListener('focus', () => { focusedField = f.dataset.field; });

  // Is this a station? Only an agent that answers on loopback, for this page's origin, makes it one.
  (async () => {
    let status;
    try {
      status = await callAgent('/status');
    } catch {
      return; // not a station: the page stays as it is
    }
    if (!status || !status.stationId) return;
    const chip = (status.devices || []).find((d) => d.device === 'chip');
    hasChip = Boolean(chip && chip.ok);
    const instruction = station.querySelector('.station-instruction');
    if (instruction) instruction.textContent = main.dataset.challengeInstruction || '';
    const notice = document.getElementById('status');
    if (notice) notice.hidden = true;
    for (const el of main.querySelectorAll('section[aria-labelledby="kiosk-heading"]')) el.hidden = true;
    station.hidden = false;
    document.documentElement.classList.add('on-station');
    screen('start');
    touched();
  })();
})();
