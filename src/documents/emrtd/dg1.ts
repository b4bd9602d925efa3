// DG1: tag 0x61 holding 0x5F1F, the MRZ as one string (TD1 90, TD2 72, TD3 88 characters).
import { Asn1Error, parseDer } from '../asn1/index.js';

const LINE_LENGTH: Record<number, number> = { 90: 30, 72: 36, 88: 44 };

/** The MRZ lines stored in DG1. Throws Asn1Error when DG1 is malformed. */
export function readDg1Mrz(dg1: Uint8Array): string[] {
  const node = parseDer(dg1, { maxDepth: 4, ldsTags: true });
  if (node.tagClass !== 'application' || node.tagNumber !== 1) throw new Asn1Error('ASN1_UNEXPECTED', 'DG1 must start with tag 0x61', 0);
  const mrz = node.children.find((c) => c.tagClass === 'application' && c.tagNumber === 0x1f);
  if (!mrz || mrz.constructed) throw new Asn1Error('ASN1_UNEXPECTED', 'DG1 lacks the 5F1F MRZ element', node.offset);
  const text = Buffer.from(mrz.content).toString('latin1');
  const width = LINE_LENGTH[text.length];
  if (!width) throw new Asn1Error('ASN1_BAD_VALUE', `DG1 MRZ of ${text.length} characters is not TD1, TD2 or TD3`, mrz.offset);
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines;
}
