// A chip read becomes the envelope's 'document-chip' capture in the container the appliance parses
// (src/verification/first-time/chip-container.ts): {sod, dataGroups{"1","2","14"?,"15"?}, activeAuthentication?,
// chipAuthentication?}, every byte string standard base64, sent as application/octet-stream.
import type { ChipReadResult } from '../devices/chip-port.js';
import type { HeldCapture } from '../session/held-captures.js';

export function chipCapture(read: ChipReadResult): HeldCapture {
  const b64 = (b: Buffer) => b.toString('base64');
  const dataGroups: Record<string, string> = { 1: b64(read.files.dg1), 2: b64(read.files.dg2) };
  if (read.files.dg14) dataGroups[14] = b64(read.files.dg14);
  if (read.files.dg15) dataGroups[15] = b64(read.files.dg15);
  const container: Record<string, unknown> = { sod: b64(read.files.sod), dataGroups };
  if (read.activeAuthentication) {
    container.activeAuthentication = { challenge: b64(read.activeAuthentication.challenge), response: b64(read.activeAuthentication.signature) };
  }
  if (read.chipAuthentication) {
    container.chipAuthentication = Object.fromEntries(Object.entries(read.chipAuthentication)
      .filter(([, v]) => v !== undefined).map(([k, v]) => [k, Buffer.isBuffer(v) ? b64(v) : v]));
  }
  return { kind: 'document-chip', mediaType: 'application/octet-stream', bytes: Buffer.from(JSON.stringify(container), 'utf8'), meta: null };
}
