// The help-desk console's one script: follows a request's status (polls the status URL every 2 s) and,
// once the request is decided, revoked or expired, reloads the request page to show the result.
(() => {
  'use strict';
  const el = document.getElementById('request-status');
  if (!el) return;
  const value = document.getElementById('request-status-value');
  const FINAL = ['verified', 'failed', 'expired', 'revoked'];
  const page = document.getElementById('request-page');
  if (FINAL.includes(el.dataset.status)) return;
  const timer = setInterval(async () => {
    try {
      const res = await fetch(el.dataset.statusUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!res.ok) return;
      const { status } = await res.json();
      if (status === el.dataset.status) return;
      el.dataset.status = status;
      value.textContent = status;
      if (FINAL.includes(status)) {
        clearInterval(timer);
        window.location.assign(page ? page.href : window.location.href);
      }
    } catch {
      // The next tick tries again.
    }
  }, 2000);
})();
