// Capture page behaviour (loaded from this origin only; the page's CSP forbids inline script).
// Takes a still from the camera after a countdown, or sends an uploaded photo, to the capture API
// as a raw image body, then hands the decision back to Entra by posting the form the server returned.
// When the page carries an active challenge (data-challenge-instruction), it films a short sequence
// right after the still while showing the instruction, and sends the still and the frames together
// as a capture envelope, each frame stamped with the session's nonce and the time on the server's clock.
'use strict';

(() => {
  const root = document.getElementById('verify');
  if (!root || !root.dataset.captureUrl) return;

  const captureUrl = root.dataset.captureUrl;
  const csrfToken = root.dataset.csrfToken;
  const countdownSeconds = Number(root.dataset.countdownSeconds) || 0;
  const maxImageBytes = Number(root.dataset.maxImageBytes) || 0;
  const acceptedTypes = ['image/jpeg', 'image/png', 'image/webp'];
  const envelopeType = 'application/vnd.proofgate.captures+json';
  const challengeInstruction = root.dataset.challengeInstruction || '';
  const challengeFrames = Number(root.dataset.challengeFrames) || 0;
  const challengeIntervalMs = Number(root.dataset.challengeIntervalMs) || 200;
  const challengeNonce = root.dataset.challengeNonce || '';
  // Frames are stamped on the server's clock (offset taken at page load): a device clock that is off by
  // minutes would otherwise make every sequence look stale.
  const clockOffset = (Number(root.dataset.serverTime) || Date.now()) - Date.now();
  const serverNow = () => Date.now() + clockOffset;
  // Frames are scaled down to this width: enough for the face landmarks, small enough to send quickly.
  const frameMaxWidth = 640;

  const video = document.getElementById('preview');
  const countdown = document.getElementById('countdown');
  const takePhoto = document.getElementById('take-photo');
  const photoFile = document.getElementById('photo-file');
  const sendPhoto = document.getElementById('send-photo');
  const cancel = document.getElementById('cancel');
  const status = document.getElementById('status');

  let stream = null;
  let finished = false;

  const say = (message) => { status.textContent = message; };
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function setBusy(busy) {
    takePhoto.disabled = busy || !stream;
    // Pages that film a challenge have no upload fallback.
    if (sendPhoto) sendPhoto.disabled = busy;
    if (photoFile) photoFile.disabled = busy;
    // The server refuses a cancel while a capture is being checked; do not offer one.
    cancel.disabled = busy;
    root.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  function stopCamera() {
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
  }

  async function startCamera() {
    const fallback = photoFile ? ' Upload a photo of your face instead.' : ' This check needs a camera: use another device, or cancel.';
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(`This browser cannot use a camera on this page.${fallback}`);
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 720 } } });
      video.srcObject = stream;
      await video.play().catch(() => undefined);
      setBusy(false);
      say(challengeInstruction
        ? `Camera ready. Press "Take photo" and look at the camera. Right after the photo you will be asked: ${challengeInstruction}.`
        : 'Camera ready. Press "Take photo" when your face is in the frame.');
    } catch (error) {
      say(`The camera is not available (${error && error.name ? error.name : 'error'}).${fallback}`);
    }
  }

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

  /** Films the challenge: one frame every challengeIntervalMs, each stamped with the nonce and server time. */
  async function recordChallenge() {
    const frames = [];
    for (let i = 0; i < challengeFrames; i++) {
      const started = performance.now();
      const capturedAt = Math.round(serverNow());
      const blob = await grabFrame(frameMaxWidth, 0.85);
      frames.push({ blob, capturedAt });
      await sleep(Math.max(0, challengeIntervalMs - (performance.now() - started)));
    }
    return frames;
  }

  async function envelopeOf(selfie, frames) {
    const captures = [{ kind: 'selfie', mediaType: 'image/jpeg', data: await base64Of(selfie) }];
    for (const f of frames) {
      captures.push({ kind: 'challenge-frame', mediaType: 'image/jpeg', data: await base64Of(f.blob), meta: { capturedAt: f.capturedAt, nonce: challengeNonce } });
    }
    return new Blob([JSON.stringify({ captures })], { type: envelopeType });
  }

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

  async function send(image, mediaType) {
    if (mediaType !== envelopeType && !acceptedTypes.includes(mediaType)) {
      say('That file is not a JPEG, PNG or WebP image. Choose a photo in one of those formats.');
      return;
    }
    if (mediaType !== envelopeType && maxImageBytes && image.size > maxImageBytes) {
      say(`That photo is too large (${Math.ceil(image.size / 1048576)} MB). Choose one under ${Math.floor(maxImageBytes / 1048576)} MB.`);
      return;
    }
    setBusy(true);
    say('Checking your photo…');
    let answer = null;
    try {
      const response = await fetch(captureUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': mediaType, 'X-CSRF-Token': csrfToken, Accept: 'application/json' },
        body: image,
      });
      answer = await response.json().catch(() => null);
    } catch {
      answer = null;
    }
    if (answer && answer.outcome === 'decided' && answer.postBack) {
      say(answer.message);
      postBackToSignIn(answer.postBack);
      return;
    }
    if (answer && answer.outcome === 'decided' && !answer.postBack) {
      // A phone of the hand-off: the computer posts the result to Entra, the phone is done.
      finished = true;
      stopCamera();
      say(answer.message);
      return;
    }
    if (answer && answer.outcome === 'retry') {
      say(`${answer.message} Try again (${answer.attemptsLeft} ${answer.attemptsLeft === 1 ? 'attempt' : 'attempts'} left).`);
      setBusy(false);
      return;
    }
    say(answer && answer.error_description
      ? `The photo could not be checked: ${answer.error_description}.`
      : 'The photo could not be sent. Check your connection and try again, or cancel.');
    setBusy(false);
  }

  takePhoto.addEventListener('click', async () => {
    if (!stream) return;
    setBusy(true);
    for (let s = countdownSeconds; s > 0; s--) {
      countdown.textContent = String(s);
      say(`Hold still: taking the photo in ${s}…`);
      await sleep(1000);
    }
    countdown.textContent = '';
    let frame;
    let frames = [];
    try {
      frame = await grabFrame(0, 0.92);
      if (challengeInstruction) {
        countdown.classList.add('long');
        countdown.textContent = challengeInstruction;
        say(`${challengeInstruction} now.`);
        frames = await recordChallenge();
        countdown.textContent = '';
        countdown.classList.remove('long');
      }
    } catch {
      countdown.textContent = '';
      countdown.classList.remove('long');
      say(photoFile ? 'No picture came from the camera. Try again or upload a photo.' : 'No picture came from the camera. Try again.');
      setBusy(false);
      return;
    }
    if (challengeInstruction) await send(await envelopeOf(frame, frames), envelopeType);
    else await send(frame, 'image/jpeg');
  });

  if (sendPhoto) sendPhoto.addEventListener('click', () => {
    const file = photoFile.files && photoFile.files[0];
    if (!file) {
      say('Choose a photo first.');
      photoFile.focus();
      return;
    }
    void send(file, file.type);
  });

  cancel.addEventListener('click', () => { stopCamera(); finished = true; });
  window.addEventListener('pagehide', () => { if (!finished) stopCamera(); });

  setBusy(false);
  void startCamera();
})();
