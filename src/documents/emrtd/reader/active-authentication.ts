// Active Authentication against the live chip (ICAO 9303-11 section 6.1): INTERNAL AUTHENTICATE with
// a fresh 8-byte challenge. The raw exchange is what the appliance verifies (active-auth.ts) against
// DG15, once Passive Authentication vouches for DG15.
import { randomBytes } from 'node:crypto';
import type { ChipChannel } from '../access/channel.js';

export interface ActiveAuthenticationExchange {
  readonly challenge: Buffer;
  readonly signature: Buffer;
}

export async function runActiveAuthentication(channel: ChipChannel): Promise<ActiveAuthenticationExchange> {
  const challenge = randomBytes(8);
  const signature = await channel.send({ cla: 0x00, ins: 0x88, p1: 0, p2: 0, data: challenge, ne: 256 }, 'INTERNAL AUTHENTICATE');
  return { challenge, signature };
}
