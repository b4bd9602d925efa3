// The kiosk operator's page at the station (src/verification/http/station-operator-routes.ts): tells the
// kiosk agent on loopback who attests the enrolments done at this station (POST /operator with the staff
// id the appliance rendered for the signed-in operator), or that nobody does. The appliance checks that
// member at every envelope; the agent wipes any held captures whenever the operator changes.
(() => {
  'use strict';
  const main = document.getElementById('station-operator');
  if (!main || !main.dataset.agentOrigin) return;
  const agent = main.dataset.agentOrigin;
  const staffId = main.dataset.staffId;
  const status = document.getElementById('operator-status');
  const attest = document.getElementById('operator-attest');
  const release = document.getElementById('operator-release');

  async function call(path, body) {
    const res = await fetch(`${agent}${path}`, {
      method: body === undefined ? 'GET' : 'POST', cache: 'no-store', credentials: 'omit',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`the kiosk agent answered ${res.status}`);
    return res.json();
  }

  function show(current) {
    status.textContent = current === staffId ? 'Enrolments at this station are attested by you.'
      : current ? 'Another operator attests enrolments at this station.' : 'Nobody attests enrolments at this station.';
    attest.disabled = current === staffId;
    release.disabled = current === null;
  }

  async function set(operator) {
    try { show((await call('/operator', { operator })).operator); } catch (e) { status.textContent = `This station's kiosk agent did not answer: ${e.message}`; }
  }

  attest.addEventListener('click', () => { void set(staffId); });
  release.addEventListener('click', () => { void set(null); });
  call('/status').then((s) => show(s.operator ?? null), () => { status.textContent = 'This computer is not a kiosk station (no kiosk agent answers).'; });
})();
