// id_token_hints minted before a bench:verify step instead of during it. Entra signs each hint on its own
// servers; minting them in the step would put the simulated Entra's RSA signatures on the 2 cores the
// appliance is measured on. Hints are per account (the hint names the user) and fresh for
// oidc.hintMaxAgeSeconds (300 s) after minting, so a stock is made for one step at a time. An account
// whose stock runs out mints inline, and the step counts those (`mintedInStep`).
import type { SimulatedEntra } from '../../test/helpers/simulated-entra.js';

export class HintStock {
  readonly #hints = new Map<string, string[]>();
  mintedInStep = 0;

  constructor(private readonly entra: SimulatedEntra) {}

  /** Mints `perAccount` hints for each of `oids` (replacing any left from an earlier step). */
  async fill(oids: readonly string[], perAccount: number): Promise<void> {
    this.#hints.clear();
    this.mintedInStep = 0;
    for (const oid of oids) {
      const hints: string[] = [];
      for (let i = 0; i < perAccount; i++) hints.push(await this.entra.mintHint({ claims: { oid } }));
      this.#hints.set(oid, hints);
    }
  }

  /** A stocked hint about `oid`, or one minted now when the stock is out. */
  async take(oid: string): Promise<string> {
    const hint = this.#hints.get(oid)?.pop();
    if (hint !== undefined) return hint;
    this.mintedInStep++;
    return this.entra.mintHint({ claims: { oid } });
  }
}
