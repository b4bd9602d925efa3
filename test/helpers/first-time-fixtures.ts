// Fixtures for the first-time verification tests, all generated: a TD1 identity card drawn by the
// test addon's renderer (OCR-B MRZ from Debian's fonts-ocr-b) with a face from the face-api npm demo
// photos printed as its portrait, selfies cut from the same photos, and the capture list a kiosk sends.
import { mrzCheckDigit } from '../../src/documents/mrz/index.js';
import type { Capture } from '../../src/verification/capture/capture.js';
import { OCRB } from './documents-imaging/cards.js';
import { faceJpeg, type DemoFace } from './face-photos.js';
import { renderTestCard } from './native-test-addon.js';
import type { Repository } from '../../src/store/repository.js';
import type { VerificationSession } from '../../src/core/domain.js';
import { envelopeAsSent, type EnvelopeItem } from './test-station.js';

export interface Td1Fields {
  state?: string;
  number?: string;
  /** YYMMDD */
  dob?: string;
  sex?: 'M' | 'F' | '<';
  /** YYMMDD */
  expiry?: string;
  nationality?: string;
  /** MRZ name field: SURNAME<<GIVEN<NAMES */
  name?: string;
}

const pad = (s: string, n: number) => (s + '<'.repeat(n)).slice(0, n);
const cd = (s: string) => String(mrzCheckDigit(s));

/** A TD1 MRZ (3 x 30) with every check digit valid. */
export function buildTd1(f: Td1Fields = {}): [string, string, string] {
  const num = pad(f.number ?? 'D23145890', 9);
  const l1 = pad(`I<${pad(f.state ?? 'UTO', 3)}${num}${cd(num)}`, 30);
  const dob = f.dob ?? '740812';
  const exp = f.expiry ?? '341231';
  const l2head = `${dob}${cd(dob)}${f.sex ?? 'F'}${exp}${cd(exp)}${pad(f.nationality ?? 'UTO', 3)}${'<'.repeat(11)}`;
  const composite = cd(l1.slice(5, 30) + l2head.slice(0, 7) + l2head.slice(8, 15) + l2head.slice(18, 29));
  return [l1, l2head + composite, pad(f.name ?? 'ERIKSSON<<ANNA<MARIA', 30)];
}

/** A photo of an ID-1 card whose portrait is `holder`'s face (a different crop from any selfie). */
export async function renderIdCard(mrzLines: string[], holder: DemoFace | null): Promise<Buffer> {
  const { image } = await renderTestCard({
    fontPath: OCRB, cardWidthMm: 85.6, cardHeightMm: 53.98, pxPerMm: 10,
    vizLines: ['ERIKSSON', 'ANNA MARIA', '12 08 1974'], mrzLines, rotationDeg: 2, noiseSigma: 2,
    ...(holder ? { portrait: faceJpeg(holder, { width: 270, height: 320, zoom: 1.3 }) } : {}),
  });
  return image;
}

/** A selfie of `who` as a kiosk camera takes it. */
export const selfieOf = (who: DemoFace): Buffer => faceJpeg(who, { width: 640, height: 480, zoom: 1.6, dx: 20 });

const mediaTypeOf = (b: Buffer): Capture['mediaType'] => (b[0] === 0xff && b[1] === 0xd8 ? 'image/jpeg' : 'image/png');

export function kioskCaptures(card: Buffer, selfie: Buffer, extra: Capture[] = []): Capture[] {
  return [
    { kind: 'document-front', mediaType: mediaTypeOf(card), bytes: card, meta: null },
    { kind: 'selfie', mediaType: 'image/jpeg', bytes: selfie, meta: null },
    ...extra,
  ];
}

/** The captures as envelope items (base64 data). */
export function envelopeItems(captures: readonly Capture[]): EnvelopeItem[] {
  return captures.map((c) => ({ kind: c.kind, mediaType: c.mediaType, data: c.bytes.toString('base64'), ...(c.meta ? { meta: c.meta } : {}) }));
}

/**
 * The same captures as the JSON envelope body a kiosk posts: signed by the repository's test station
 * (test/helpers/test-station.ts) for this session when `signFor` is given, unsigned otherwise.
 */
export function envelopeOf(captures: readonly Capture[], signFor?: { repo: Repository; session: VerificationSession }): string {
  const items = envelopeItems(captures);
  return JSON.stringify(signFor ? envelopeAsSent(signFor.repo, signFor.session, items) : { captures: items });
}

/** Hint claims naming the card's holder (Anna Maria Eriksson), as Entra's id_token_hint carries them. */
export const HOLDER_CLAIMS = { name: 'Anna Maria Eriksson', given_name: 'Anna Maria', family_name: 'Eriksson', preferred_username: 'anna@contoso.example' };
