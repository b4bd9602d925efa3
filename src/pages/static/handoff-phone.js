// The phone's side of the hand-off while it shows the capture page (src/pages/handoff-phone-page.ts):
// polls the hand-off's status every 2 s and, once the verification has been decided, stopped or has
// expired, stops the camera and replaces the page with what to do next. capture.js does the capture.
'use strict';

(() => {
  const section = document.getElementById('handoff-phone');
  if (!section || !section.dataset.statusUrl) return;
  const heading = document.getElementById('handoff-phone-heading');
  const message = document.getElementById('handoff-phone-message');
  const ENDINGS = {
    decided: ['Done', 'Go back to your computer: it finishes the sign-in. You can close this page.'],
    ended: ['Ended', 'This verification has ended on your computer. You can close this page.'],
    expired: ['Expired', 'This verification has expired. Start again from your computer.'],
  };

  function end(state) {
    const preview = document.getElementById('preview');
    if (preview && preview.srcObject) for (const track of preview.srcObject.getTracks()) track.stop();
    const main = document.getElementById('verify');
    if (main) main.hidden = true;
    heading.textContent = ENDINGS[state][0];
    message.textContent = ENDINGS[state][1];
    section.dataset.state = state;
    section.hidden = false;
  }

  async function tick() {
    try {
      const response = await fetch(section.dataset.statusUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      const answer = await response.json();
      const state = answer && answer.state ? answer.state : response.status === 404 ? 'ended' : null;
      if (ENDINGS[state]) {
        end(state);
        return;
      }
    } catch {
      // A dropped connection: try again at the next tick.
    }
    setTimeout(tick, 2000);
  }
  setTimeout(tick, 2000);
})();
