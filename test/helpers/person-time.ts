// Where a person's time goes on the capture page, measured in the browser: an init script marks the
// page's milestones (wall-clock ms, performance.timeOrigin + now) and hands them to the test through
// an exposed function, so the marks survive the page leaving for Entra. The page itself is not
// changed: the marks come from the APIs it calls (getUserMedia, fetch, form submit) and the state it
// shows (#verify's data-auto-captured, the step cue).
import type { Page } from 'playwright-core';

export type PersonMark =
  | 'navigation-start' | 'loaded' | 'consent' | 'camera-open' | 'auto-capture'
  | 'filming-start' | 'filming-end' | 'upload-start' | 'decision-received' | 'form-post';

const BINDING = '__proofgatePersonMark';

/** The init script: runs in every document of the round; only the capture page (#verify) reports. */
const MARKS_SCRIPT = `(() => {
  const report = (name, at) => { const f = window.${BINDING}; if (f) void f(name, at); };
  const mark = (name) => report(name, performance.timeOrigin + performance.now());
  const md = navigator.mediaDevices;
  if (md && md.getUserMedia) {
    const open = md.getUserMedia.bind(md);
    md.getUserMedia = async (constraints) => { const stream = await open(constraints); mark('camera-open'); return stream; };
  }
  const fetchOriginal = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = String(input && input.url ? input.url : input);
    const capture = /\\/capture$/.test(url);
    if (capture) mark('upload-start');
    const response = await fetchOriginal(input, init);
    if (capture) mark('decision-received');
    return response;
  };
  const submit = HTMLFormElement.prototype.submit;
  HTMLFormElement.prototype.submit = function () { if (document.getElementById('verify')) mark('form-post'); return submit.call(this); };
  document.addEventListener('click', (e) => { if (e.target && e.target.closest && e.target.closest('#start-camera')) mark('consent'); }, true);
  document.addEventListener('DOMContentLoaded', () => {
    const root = document.getElementById('verify');
    if (!root) return;
    report('navigation-start', performance.timeOrigin);
    const cue = document.getElementById('cue');
    let filming = false;
    new MutationObserver(() => {
      if (root.dataset.autoCaptured) mark('auto-capture');
      if (cue && !cue.hidden && !filming) { filming = true; mark('filming-start'); }
      if (cue && cue.hidden && filming) { filming = false; mark('filming-end'); }
    }).observe(root, { attributes: true, subtree: true, attributeFilter: ['data-auto-captured', 'hidden'] });
  });
  addEventListener('load', () => { if (document.getElementById('verify')) mark('loaded'); });
})();`;

/** Collects the marks of one round; pass `attach` as startRound's beforeLoad and `script` as its initScript. */
export class PersonTimer {
  readonly script = MARKS_SCRIPT;
  readonly #marks = new Map<PersonMark, number>();

  readonly attach = async (page: Page): Promise<void> => {
    await page.exposeFunction(BINDING, (name: PersonMark, at: number) => {
      // The first of each: a retry would otherwise move the marks of the round that counted.
      if (!this.#marks.has(name)) this.#marks.set(name, at);
    });
  };

  at(name: PersonMark): number {
    const v = this.#marks.get(name);
    if (v === undefined) throw new Error(`the page never reached "${name}" (marks: ${[...this.#marks.keys()].join(', ')})`);
    return v;
  }

  between(from: PersonMark, to: PersonMark): number {
    return Math.round(this.at(to) - this.at(from));
  }
}

export interface PersonTimeRow { part: string; ms: number; human: boolean }

/**
 * Page load → form_post for one round, split into its parts. The person's reading and pressing of
 * "I agree" (loaded → consent) is human reaction and left out; the filming of the steps is the
 * person acting them out (steps × stepMs by design): counted in the total, marked human.
 */
export function personTimeRows(timer: PersonTimer): PersonTimeRow[] {
  return [
    { part: 'page load (POST /oidc/authorize → load event)', ms: timer.between('navigation-start', 'loaded'), human: false },
    { part: 'consent → camera open (getUserMedia)', ms: timer.between('consent', 'camera-open'), human: false },
    { part: 'camera open → auto-capture (steady picture)', ms: timer.between('camera-open', 'auto-capture'), human: false },
    { part: 'auto-capture → first step shown (selfie grab)', ms: timer.between('auto-capture', 'filming-start'), human: false },
    { part: 'filming the steps', ms: timer.between('filming-start', 'filming-end'), human: true },
    { part: 'filming end → upload start (encoding the envelope)', ms: timer.between('filming-end', 'upload-start'), human: false },
    { part: 'upload + server decision (fetch round trip)', ms: timer.between('upload-start', 'decision-received'), human: false },
    { part: 'answer → form_post to Entra', ms: timer.between('decision-received', 'form-post'), human: false },
  ];
}

export function personTimeTable(rows: readonly PersonTimeRow[]): string {
  const total = rows.reduce((s, r) => s + r.ms, 0);
  const machine = rows.filter((r) => !r.human).reduce((s, r) => s + r.ms, 0);
  return [
    '| part | ms |',
    '|---|---:|',
    ...rows.map((r) => `| ${r.part}${r.human ? ' (human: acting out the steps)' : ''} | ${r.ms} |`),
    `| **total, page load → form_post (without reading the notice)** | **${total}** |`,
    `| **excluding human reaction (total − filming)** | **${machine}** |`,
  ].join('\n');
}
