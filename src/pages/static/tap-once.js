// The copy button beside a Temporary Access Pass (src/pages/tap-once-section.ts). Hidden until this script
// runs, since without script there is nothing to copy with; the pass stays selectable either way.
'use strict';

(() => {
  const code = document.getElementById('tap-once-code');
  const button = document.getElementById('tap-once-copy');
  const status = document.getElementById('tap-once-status');
  if (!code || !button) return;

  const selectPass = () => {
    const range = document.createRange();
    range.selectNodeContents(code);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };

  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(code.textContent.trim());
      status.textContent = 'Copied.';
    } catch {
      selectPass();
      status.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
    }
  });
})();
