// Reads an eMRTD over any ChipTransport: EF.CardAccess (PACE if the chip offers a PACE this reader
// runs, else BAC), the LDS1 application, EF.COM, then DG14 and Chip Authentication when the chip has
// them (so the rest is read under CA's keys), DG1, DG2, DG15 and Active Authentication, EF.SOD.
// Nothing is verified here beyond what access control and secure messaging need: the appliance runs
// Passive, Active and Chip Authentication checks on what it receives.
import { performBac } from '../access/bac.js';
import { choosePace, parseCardAccess } from '../access/card-access.js';
import { ChipChannel } from '../access/channel.js';
import { ChipAccessError } from '../access/chip-access-error.js';
import { isCanKey, mrzInformation, type ChipAccessKey } from '../access/access-key.js';
import { performPace } from '../access/pace.js';
import { readTlv, readTlvs } from '../access/tlv.js';
import type { ChipTransport } from '../access/transport.js';
import { runActiveAuthentication, type ActiveAuthenticationExchange } from './active-authentication.js';
import { runChipAuthentication, type ChipAuthenticationEvidence } from './chip-authentication.js';
import { DG_TAGS, EMRTD_APPLICATION_AID, LDS_FILES } from './lds-files.js';
import { readFile, readSelectedFile, selectFile, type ReadOptions } from './read-file.js';

export interface EmrtdReadOptions extends ReadOptions {
  /** Run INTERNAL AUTHENTICATE when the chip has DG15. */
  readonly activeAuthentication: boolean;
  /** Run Chip Authentication when the chip has DG14. */
  readonly chipAuthentication: boolean;
}

export const DEFAULT_EMRTD_READ_OPTIONS: EmrtdReadOptions = { chunkBytes: 0xdf, activeAuthentication: true, chipAuthentication: true };

export interface EmrtdRead {
  readonly protocol: 'PACE' | 'BAC';
  readonly files: { cardAccess?: Buffer; com: Buffer; dg1: Buffer; dg2: Buffer; dg14?: Buffer; dg15?: Buffer; sod: Buffer };
  readonly activeAuthentication?: ActiveAuthenticationExchange;
  readonly chipAuthentication?: ChipAuthenticationEvidence;
}

/** The data group tags EF.COM lists (tag 60 { ..., 5C tag list }). */
export function comTagList(com: Buffer): Set<number> {
  const outer = readTlv(com, 0, 'EF.COM');
  if (outer.tag !== 0x60) throw new ChipAccessError('malformed', 'EF.COM must be tag 60');
  const list = readTlvs(outer.value, 'EF.COM').find((o) => o.tag === 0x5c);
  if (!list) throw new ChipAccessError('malformed', 'EF.COM has no tag list (5C)');
  return new Set(list.value);
}

async function readCardAccess(channel: ChipChannel, options: ReadOptions): Promise<Buffer | null> {
  try {
    return await readFile(channel, LDS_FILES.cardAccess, options);
  } catch (e) {
    // Chips without PACE answer SELECT of 011C with all sorts of errors (6A82, 6986, 6D00): read as "absent".
    if (e instanceof ChipAccessError && (e.reason === 'status' || e.reason === 'malformed')) return null;
    throw e;
  }
}

async function required(channel: ChipChannel, fid: number, name: string, options: ReadOptions): Promise<Buffer> {
  const bytes = await readFile(channel, fid, options);
  if (!bytes) throw new ChipAccessError('malformed', `the chip has no ${name}`);
  return bytes;
}

async function selectApplication(channel: ChipChannel): Promise<void> {
  await channel.send({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: EMRTD_APPLICATION_AID }, 'SELECT eMRTD application');
}

export async function readEmrtd(transport: ChipTransport, key: ChipAccessKey, options: EmrtdReadOptions = DEFAULT_EMRTD_READ_OPTIONS, signal?: AbortSignal): Promise<EmrtdRead> {
  const channel = new ChipChannel(async (apdu) => {
    signal?.throwIfAborted();
    return transport(apdu);
  });
  const cardAccess = await readCardAccess(channel, options);
  const offer = cardAccess ? choosePace(parseCardAccess(cardAccess)) : null;
  let protocol: 'PACE' | 'BAC';
  if (offer) {
    await performPace(channel, key, offer);
    await selectApplication(channel);
    protocol = 'PACE';
  } else {
    if (isCanKey(key)) throw new ChipAccessError('unsupported', 'this chip offers no PACE, so it needs the MRZ data, not a CAN');
    await selectApplication(channel);
    await performBac(channel, mrzInformation(key));
    protocol = 'BAC';
  }

  const com = await required(channel, LDS_FILES.com, 'EF.COM', options);
  const tags = comTagList(com);
  let dg14: Buffer | undefined;
  let dg1: Buffer | undefined;
  let chipAuthentication: ChipAuthenticationEvidence | undefined;
  if (tags.has(DG_TAGS.dg14)) {
    dg14 = await required(channel, LDS_FILES.dg14, 'DG14', options);
    if (options.chipAuthentication) {
      const ca = await runChipAuthentication(channel, dg14);
      // The first command under the new keys: the chip's protected answer to it is CA version 1's proof.
      if (!(await selectFile(channel, LDS_FILES.dg1))) throw new ChipAccessError('malformed', 'the chip has no DG1');
      ca.completeVersion1();
      chipAuthentication = ca.evidence;
      dg1 = await readSelectedFile(channel, options);
    }
  }
  dg1 ??= await required(channel, LDS_FILES.dg1, 'DG1', options);
  const dg2 = await required(channel, LDS_FILES.dg2, 'DG2', options);
  let dg15: Buffer | undefined;
  let activeAuthentication: ActiveAuthenticationExchange | undefined;
  if (tags.has(DG_TAGS.dg15)) {
    dg15 = await required(channel, LDS_FILES.dg15, 'DG15', options);
    if (options.activeAuthentication) activeAuthentication = await runActiveAuthentication(channel);
  }
  const sod = await required(channel, LDS_FILES.sod, 'EF.SOD', options);
  return {
    protocol,
    files: { ...(cardAccess ? { cardAccess } : {}), com, dg1, dg2, ...(dg14 ? { dg14 } : {}), ...(dg15 ? { dg15 } : {}), sod },
    ...(activeAuthentication ? { activeAuthentication } : {}),
    ...(chipAuthentication ? { chipAuthentication } : {}),
  };
}
