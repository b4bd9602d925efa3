// The chip's face (DG2) against the selfie. DG2 wraps the facial image in CBEFF/ISO 19794-5 headers; the
// image itself is a JPEG or a JPEG 2000, found here by its signature rather than by parsing every
// header version. Only a DG2 whose hash the SOD vouches for (the chip check passed) is compared: an
// unauthenticated photo proves nothing. The face engine decodes JPEG, PNG and WebP, so a JPEG 2000
// photo (common in European passports) is reported as not compared.
import type { CheckResult } from '../../core/domain.js';
import type { ChipReading } from '../../documents/document-verifier.js';
import type { FaceAnalyzer } from '../capture/ports.js';

const JPEG_SOI = Buffer.from([0xff, 0xd8, 0xff]);
const JP2_SIGNATURE = Buffer.from('0000000c6a5020200d0a870a', 'hex');
const J2K_CODESTREAM = Buffer.from([0xff, 0x4f, 0xff, 0x51]);

export function chipFaceImage(dg2: Uint8Array): { format: 'jpeg' | 'jpeg2000'; bytes: Buffer } | null {
  const b = Buffer.from(dg2.buffer, dg2.byteOffset, dg2.byteLength);
  const jpeg = b.indexOf(JPEG_SOI);
  if (jpeg >= 0) return { format: 'jpeg', bytes: b.subarray(jpeg) };
  const jp2 = Math.max(b.indexOf(JP2_SIGNATURE), b.indexOf(J2K_CODESTREAM));
  return jp2 >= 0 ? { format: 'jpeg2000', bytes: b.subarray(jp2) } : null;
}

const NAME = 'chip-portrait-match';
const skipped = (reason: string): CheckResult => ({ name: NAME, score: null, threshold: null, outcome: 'skipped', reason });
const IMAGE_ERRORS = new Set(['ERR_IMAGE_INVALID', 'ERR_IMAGE_TOO_LARGE', 'ERR_UNSUPPORTED_MEDIA_TYPE']);

/** One check, or null without chip data. Throws what the engine throws when it is broken (the caller makes that 'unavailable'). */
export async function chipPortraitCheck(
  engine: FaceAnalyzer, reading: ChipReading | null, chipAccepted: boolean, selfieEmbedding: Float32Array, threshold: number,
): Promise<CheckResult | null> {
  if (!reading) return null;
  const dg2 = reading.dataGroups.get(2);
  if (!dg2) return skipped('the chip reader sent no DG2');
  if (!chipAccepted) return skipped('the chip was not authenticated: its photo is not compared');
  const image = chipFaceImage(dg2);
  if (!image) return skipped('no JPEG or JPEG 2000 image found in DG2');
  if (image.format === 'jpeg2000') return skipped('the chip photo is JPEG 2000, which this appliance does not decode');
  let analysis;
  try {
    analysis = await engine.analyzeFace(image.bytes);
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'ERR_INTERNAL';
    if (!IMAGE_ERRORS.has(code)) throw e;
    return { name: NAME, score: null, threshold, outcome: 'fail', reason: `the authenticated chip photo could not be decoded (${code})` };
  }
  if (!analysis.face) return { name: NAME, score: null, threshold, outcome: 'fail', reason: 'no measurable face in the authenticated chip photo' };
  const cmp = await engine.compareFaces(selfieEmbedding, analysis.face.embedding, threshold);
  const distance = Math.round(cmp.distance * 10000) / 10000;
  return {
    name: NAME, score: distance, threshold, outcome: cmp.match ? 'pass' : 'fail',
    reason: cmp.match ? `embedding distance ${distance} <= ${threshold}: the selfie shows the chip's holder` : `embedding distance ${distance} > ${threshold}: the selfie does not show the chip's holder`,
  };
}
