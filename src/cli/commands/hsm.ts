// `proofgate hsm <init|status|rotate>`: operator commands for the token. Output is JSON on stdout,
// never a PIN.
import type { ProofgateConfig } from '../../config/index.js';
import { resolveDataPath } from '../../config/index.js';
import { initHsm } from '../../hsm/init-token.js';
import { openDataKeyWrapper, openHsmToken, openKeyRing } from '../../hsm/open-hsm.js';

export const hsmUsage = 'hsm <init|status|rotate>';

export async function runHsmCommand(args: string[], config: ProofgateConfig): Promise<number> {
  const dataDir = resolveDataPath(config.server.dataDir);
  const [sub] = args;
  if (sub === 'init') {
    const report = await initHsm(config.hsm, dataDir);
    console.log(JSON.stringify(report, null, 2));
    return 0;
  }
  if (sub !== 'status' && sub !== 'rotate') {
    console.error(`usage: proofgate ${hsmUsage}\n  init    create the embedded SoftHSM token, PINs, first signing key and wrapping key (idempotent)\n  status  token state, published kids, next switch, wrapping key id\n  rotate  publish the next signing key (it signs after hsm.overlapHours)`);
    return 2;
  }
  const token = openHsmToken(config.hsm, dataDir);
  try {
    const ring = openKeyRing(token, config.hsm);
    if (sub === 'rotate') {
      const { created, key, retired } = await ring.rotate();
      console.log(JSON.stringify({ created, next: key.kid, retired, ...(await ring.status()) }, null, 2));
      return 0;
    }
    const keys = await ring.status();
    const wrapper = await openDataKeyWrapper(token, config.hsm);
    console.log(JSON.stringify({ token: config.hsm.tokenLabel, ...token.status(), keys, wrappingKeyId: wrapper.wrappingKeyId }, null, 2));
    return 0;
  } finally {
    await token.close();
  }
}
