// Capture page behaviour (loaded from this origin only; the page's CSP forbids inline script).
// Everything it needs arrives in data-* attributes of #verify (capture-page.ts), the messages in the
// person's language included. In order:
//  1. before the camera: a device without a usable camera is told so (and offered the phone, a kiosk or,
//     where the policy accepts a still, an upload) before any photo; with consent required the camera
//     waits for the "I agree" button;
//  2. the photo is taken by itself once the picture holds steady (frame difference on a small canvas
//     over ~600 ms, with a brightness check; no face detector is assumed in the browser), or after the
//     configured most seconds, or when the person presses "Take photo now";
//  3. with a challenge, the steps are shown one after the other (big arrow or icon over the mirrored
//     preview) while the page films one continuous sequence, each frame stamped with the session's
//     nonce and the time on the server's clock;
//  4. the selfie (meta: the camera's label and the capture time) and the frames go to the capture API as
//     one envelope; a decision is handed back to Entra by posting the form the server returned; a failure
//     shows its reference and what to do next; an expired session goes back to Entra (never a dead end).
'use strict';

(() => {
  const root = document.getElementById('verify');
  if (!root) return;
  const data = root.dataset;
  const messages = data.messages ? JSON.parse(data.messages) : {};
  const t = (key, values) => String(messages[key] || key).replace(/\{([a-zA-Z]+)\}/g, (whole, name) => (values && values[name] !== undefined ? String(values[name]) : whole));

  const status = document.getElementById('status');
  const say = (message) => { status.textContent = message; };
  const cancelForm = document.getElementById('cancel-form');
  const cancel = document.getElementById('cancel');

  // Frames are stamped on the server's clock (offset taken at page load): a device clock that is off by
  // minutes would otherwise make every sequence look stale, and the expiry timer fire at the wrong time.
  const clockOffset = (Number(data.serverTime) || Date.now()) - Date.now();
  const serverNow = () => Date.now() + clockOffset;
  let finished = false;
  let busy = false;

  // An expired session goes back to Entra: the cancel route answers an expired session with the
  // error form_post, so the page just submits the cancel form when the time is up (unless a capture is
  // being checked: its answer then carries the post-back).
  const expiresAt = Number(data.expiresAt) || 0;
  function watchExpiry() {
    if (!expiresAt || !cancelForm) return;
    const left = expiresAt - serverNow();
    if (left > 0) {
      setTimeout(watchExpiry, Math.min(left + 250, 60_000));
      return;
    }
    if (finished) return;
    if (busy) {
      // A capture is being checked: its answer carries the post-back if the session expired meanwhile.
      setTimeout(watchExpiry, 1000);
      return;
    }
    finished = true;
    stopCamera();
    say(t('status.expired'));
    cancelForm.submit();
  }

  let stream = null;
  function stopCamera() {
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
  }

  cancel.addEventListener('click', () => { stopCamera(); finished = true; });
  window.addEventListener('pagehide', () => { if (!finished) stopCamera(); });
  watchExpiry();

  // The device cannot meet the policy (rendered by the server): nothing else to do here.
  if (!data.captureUrl) return;

  const captureUrl = data.captureUrl;
  const csrfToken = data.csrfToken;
  const maxWaitSeconds = Number(data.maxWaitSeconds) || 0;
  const maxImageBytes = Number(data.maxImageBytes) || 0;
  const consentRequired = data.consentRequired === 'true';
  const challenge = data.challenge ? JSON.parse(data.challenge) : null;
  const challengeNonce = data.challengeNonce || '';
  const acceptedTypes = ['image/jpeg', 'image/png', 'image/webp'];
  const envelopeType = 'application/vnd.proofgate.captures+json';
  // Frames are scaled down to this width: enough for the face landmarks, small enough to send quickly.
  const frameMaxWidth = 640;
  // Auto-capture: the picture must hold steady this long, judged on a canvas this small (noise averages
  // out, a moving head does not), with the mean absolute grey-level change per pixel below the limit.
  const steadyMs = 600;
  const sampleEveryMs = 100;
  const probeWidth = 32;
  const probeHeight = 24;
  const steadyMaxChange = 6;
  const brightnessRange = [0.12, 0.92];
  // After a denial the page shows the reference and returns to sign-in by itself after this long.
  const returnAfterSeconds = 20;

  const video = document.getElementById('preview');
  const stage = document.getElementById('stage');
  const beforeCamera = document.getElementById('before-camera');
  const startButton = document.getElementById('start-camera');
  const takePhoto = document.getElementById('take-photo');
  const returnButton = document.getElementById('return-to-sign-in');
  const cannotUse = document.getElementById('cannot-use');
  const cue = document.getElementById('cue');
  const cueIcon = document.getElementById('cue-icon');
  const cueText = document.getElementById('cue-text');
  const photoFile = document.getElementById('photo-file');
  const sendPhoto = document.getElementById('send-photo');

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function setBusy(value) {
    busy = value;
    takePhoto.disabled = value || !stream;
    if (sendPhoto) sendPhoto.disabled = value;
    if (photoFile) photoFile.disabled = value;
    // The server refuses a cancel while a capture is being checked; do not offer one.
    cancel.disabled = value;
    root.setAttribute('aria-busy', value ? 'true' : 'false');
  }

  /** No usable camera: say so before any photo; offer the phone or a kiosk, or the upload where a still can pass. */
  function cannotCapture(reason) {
    startButton.hidden = true;
    takePhoto.hidden = true;
    if (beforeCamera) beforeCamera.hidden = true;
    stage.hidden = true;
    if (photoFile) {
      say(`${reason} ${t('status.uploadInstead')}`);
      return;
    }
    cannotUse.hidden = false;
    say(`${t('capture.cannotHeading')}. ${reason}`);
  }

  async function hasCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return 'api';
    if (navigator.mediaDevices.enumerateDevices) {
      // Before permission the list has no labels, but it does say whether any camera exists.
      const devices = await navigator.mediaDevices.enumerateDevices().catch(() => null);
      if (devices && !devices.some((d) => d.kind === 'videoinput')) return 'none';
    }
    return 'yes';
  }

  async function startCamera() {
    startButton.hidden = true;
    if (beforeCamera) beforeCamera.hidden = true;
    say(t('status.starting'));
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 720 } } });
    } catch (error) {
      cannotCapture(t('status.cameraError', { error: error && error.name ? error.name : 'error' }));
      return;
    }
    stage.hidden = false;
    video.srcObject = stream;
    await video.play().catch(() => undefined);
    takePhoto.hidden = false;
    setBusy(false);
    takePhoto.focus();
    void autoCapture();
  }

  // --- auto-capture -------------------------------------------------------------------------------
  const probe = document.createElement('canvas');
  probe.width = probeWidth;
  probe.height = probeHeight;
  const probeContext = probe.getContext('2d', { willReadFrequently: true });

  /** Grey levels (0..255) of the current frame on the small canvas. */
  function sampleGrey() {
    probeContext.drawImage(video, 0, 0, probeWidth, probeHeight);
    const rgba = probeContext.getImageData(0, 0, probeWidth, probeHeight).data;
    const grey = new Float32Array(probeWidth * probeHeight);
    for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
    return grey;
  }

  let autoRun = 0;
  /** Waits for a steady, sensibly lit picture (or the most seconds allowed), then takes the photo. */
  async function autoCapture() {
    const run = ++autoRun;
    const started = performance.now();
    let previous = null;
    let steadySince = null;
    say(t('status.holdStill'));
    while (run === autoRun && stream && !busy) {
      await sleep(sampleEveryMs);
      if (run !== autoRun || !stream || busy) return;
      if (!video.videoWidth) continue;
      const grey = sampleGrey();
      let sum = 0;
      for (const g of grey) sum += g;
      const brightness = sum / grey.length / 255;
      const lit = brightness >= brightnessRange[0] && brightness <= brightnessRange[1];
      let change = Infinity;
      if (previous) {
        let diff = 0;
        for (let i = 0; i < grey.length; i++) diff += Math.abs(grey[i] - previous[i]);
        change = diff / grey.length;
      }
      previous = grey;
      say(lit ? t('status.holdStill') : t('status.tooDark'));
      const now = performance.now();
      steadySince = lit && change <= steadyMaxChange ? (steadySince ?? now) : null;
      const waitedOut = maxWaitSeconds > 0 && lit && now - started >= maxWaitSeconds * 1000;
      if ((steadySince !== null && now - steadySince >= steadyMs) || waitedOut) {
        root.dataset.autoCaptured = waitedOut && steadySince === null ? 'max-wait' : 'steady';
        void capture();
        return;
      }
    }
  }

  // --- capture and challenge ----------------------------------------------------------------------
  function grabFrame(maxWidth, quality) {
    const scale = maxWidth && video.videoWidth > maxWidth ? maxWidth / video.videoWidth : 1;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no frame'))), 'image/jpeg', quality));
  }

  function base64Of(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(',') + 1));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  /** Shows one challenge step over the preview: its icon (cloned from the step list) and its words. */
  function showStep(step) {
    const icon = document.querySelector(`#steps li.step[data-kind="${CSS.escape(step.kind)}"] svg`);
    cueIcon.replaceChildren(...(icon ? [icon.cloneNode(true)] : []));
    cueText.textContent = step.text;
    cue.dataset.kind = step.kind;
    cue.hidden = false;
    say(t('status.step', { step: step.text }));
  }

  /**
   * Films the challenge as one sequence: one frame every intervalMs (challenge.frames in all; the server
   * spaces them to span every step), while the steps are shown one after the other, stepMs each. The
   * frames say nothing about which step they belong to: the server judges the order.
   */
  async function recordChallenge() {
    const frames = [];
    const begun = performance.now();
    let shown = -1;
    for (let i = 0; i < challenge.frames; i++) {
      const started = performance.now();
      const step = Math.min(challenge.steps.length - 1, Math.floor((started - begun) / challenge.stepMs));
      if (step !== shown) {
        shown = step;
        showStep(challenge.steps[step]);
      }
      const capturedAt = Math.round(serverNow());
      const blob = await grabFrame(frameMaxWidth, 0.85);
      frames.push({ blob, capturedAt });
      await sleep(Math.max(0, challenge.intervalMs - (performance.now() - started)));
    }
    cue.hidden = true;
    return frames;
  }

  function cameraLabel() {
    const track = stream && stream.getVideoTracks()[0];
    return track && track.label ? String(track.label).slice(0, 200) : undefined;
  }

  async function envelopeOf(selfie, frames) {
    const captures = [{ kind: 'selfie', mediaType: 'image/jpeg', data: await base64Of(selfie.blob), meta: { cameraLabel: selfie.cameraLabel, capturedAt: selfie.capturedAt } }];
    for (const f of frames) {
      captures.push({ kind: 'challenge-frame', mediaType: 'image/jpeg', data: await base64Of(f.blob), meta: { capturedAt: f.capturedAt, nonce: challengeNonce } });
    }
    return new Blob([JSON.stringify({ captures })], { type: envelopeType });
  }

  async function capture() {
    if (!stream || busy) return;
    autoRun++;
    setBusy(true);
    let selfie;
    let frames = [];
    try {
      const capturedAt = Math.round(serverNow());
      selfie = { blob: await grabFrame(0, 0.92), capturedAt, cameraLabel: cameraLabel() };
      if (challenge) frames = await recordChallenge();
    } catch {
      cue.hidden = true;
      say(t('status.noFrame'));
      setBusy(false);
      return;
    }
    await send(await envelopeOf(selfie, frames), envelopeType);
  }

  // --- answers ------------------------------------------------------------------------------------
  function postBackToSignIn(postBack) {
    finished = true;
    stopCamera();
    const form = document.createElement('form');
    form.method = 'post';
    form.action = postBack.redirectUri;
    for (const [name, value] of Object.entries(postBack.fields)) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    form.submit();
  }

  /** A decision other than verified: the reference and what to do next, then back to sign-in. */
  function showFailure(answer) {
    finished = true;
    stopCamera();
    stage.hidden = true;
    takePhoto.hidden = true;
    if (cancelForm) cancelForm.hidden = true;
    const head = answer.decision === 'unavailable' ? t('status.unavailable') : t('status.failed');
    const tail = `${t('status.nextSteps')} ${t('status.reference', { reference: answer.reference })}`;
    root.dataset.reference = answer.reference;
    returnButton.hidden = false;
    returnButton.disabled = false;
    returnButton.addEventListener('click', () => postBackToSignIn(answer.postBack), { once: true });
    returnButton.focus();
    let left = returnAfterSeconds;
    say(`${head} ${tail} ${t('status.returning', { seconds: left })}`);
    const tick = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(tick);
        postBackToSignIn(answer.postBack);
        return;
      }
      say(`${head} ${tail} ${t('status.returning', { seconds: left })}`);
    }, 1000);
  }

  async function send(body, mediaType) {
    setBusy(true);
    say(t('status.checking'));
    let answer = null;
    try {
      const response = await fetch(captureUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': mediaType, 'X-CSRF-Token': csrfToken, Accept: 'application/json' },
        body,
      });
      answer = await response.json().catch(() => null);
    } catch {
      answer = null;
    }
    if (answer && answer.outcome === 'decided' && answer.postBack) {
      if (answer.decision === 'verified') {
        say(t('status.verified'));
        postBackToSignIn(answer.postBack);
      } else {
        showFailure(answer);
      }
      return;
    }
    if (answer && answer.postBack) {
      // The session expired meanwhile: the server hands back the error form for Entra.
      say(t('status.expired'));
      postBackToSignIn(answer.postBack);
      return;
    }
    const reference = answer && answer.reference ? ` ${t('status.reference', { reference: answer.reference })}` : '';
    if (answer && answer.outcome === 'decided' && !answer.postBack) {
      // A phone of the hand-off: the computer posts the result to Entra, the phone is done.
      finished = true;
      stopCamera();
      say(answer.message);
      return;
    }
    if (answer && answer.outcome === 'retry') {
      say(`${t('status.retry', { advice: answer.message, attempts: answer.attemptsLeft })}${reference}`);
      setBusy(false);
      // Give the person a moment to read the advice and adjust before the next automatic photo.
      if (stream) setTimeout(() => { if (!busy && !finished) void autoCapture(); }, 2500);
      return;
    }
    say(answer && answer.error_description
      ? `${t('status.refused', { reason: answer.error_description })}${reference}`
      : t('status.sendFailed'));
    setBusy(false);
  }

  takePhoto.addEventListener('click', () => { void capture(); });

  if (sendPhoto) sendPhoto.addEventListener('click', () => {
    const file = photoFile.files && photoFile.files[0];
    if (!file) {
      say(t('status.chooseFirst'));
      photoFile.focus();
      return;
    }
    if (!acceptedTypes.includes(file.type)) {
      say(t('status.wrongType'));
      return;
    }
    if (maxImageBytes && file.size > maxImageBytes) {
      say(t('status.tooLarge', { mb: Math.floor(maxImageBytes / 1048576) }));
      return;
    }
    void send(file, file.type);
  });

  startButton.addEventListener('click', () => { void startCamera(); });

  setBusy(false);
  void (async () => {
    const camera = await hasCamera();
    if (camera === 'api') return cannotCapture(t('status.noCameraApi'));
    if (camera === 'none') return cannotCapture(t('status.noCamera'));
    if (!consentRequired) await startCamera();
  })();
})();
