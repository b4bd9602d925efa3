// The documents area's entry point for the verification flow: the operator's policy
// (config.documents) applied to the MRZ, the chip and the holder binding, with the CSCA trust
// store loaded once at start-up.
import { existsSync } from 'node:fs';
import type { DocumentsConfig } from '../config/sections/documents.js';
import { bindHolderToAccount, holderFromMrz, type BindingResult, type DirectoryIdentity } from './binding/index.js';
import { verifyActiveAuthentication, type ActiveAuthResult } from './emrtd/active-auth.js';
import { verifyChipAuthentication, type ChipAuthInput, type ChipAuthResult } from './emrtd/ca-verify.js';
import { CscaStore } from './emrtd/csca-store.js';
import { parseDg14 } from './emrtd/dg14.js';
import { loadCscaStore, type CscaFileResult } from './emrtd/load-csca-store.js';
import { verifyPassiveAuthentication, type PassiveAuthReport } from './emrtd/passive-auth.js';
import { applyMrzPolicy, type MrzPolicyDecision } from './mrz/mrz-policy.js';
import { parseMrz, type MrzParsed, type MrzResult } from './mrz/parse-mrz.js';

export interface ChipReading {
  readonly sod: Uint8Array;
  readonly dataGroups: ReadonlyMap<number, Uint8Array>;
  /** Active Authentication as performed by the chip reader: the challenge sent and the chip's answer. */
  readonly activeAuthentication?: { readonly challenge: Uint8Array; readonly response: Uint8Array };
  /** Chip Authentication as performed by the chip reader: its ephemeral key and the chip's answer (DG14 comes from dataGroups). */
  readonly chipAuthentication?: Omit<ChipAuthInput, 'dg14'>;
}

export interface ChipDecision {
  readonly accepted: boolean;
  /**
   * Stable refusal reasons: PA_INVALID, PA_ERROR, PA_CHAIN_INCOMPLETE, AA_FAILED, AA_KEY_NOT_AUTHENTICATED, AA_NOT_PERFORMED,
   * CA_FAILED, CA_KEY_NOT_AUTHENTICATED.
   */
  readonly reasons: readonly string[];
  readonly passive: PassiveAuthReport;
  readonly active: ActiveAuthResult | null;
  /** Chip Authentication, only when the reader supplied its answer. */
  readonly chip: ChipAuthResult | null;
}

export class DocumentVerifier {
  readonly #config: DocumentsConfig;
  readonly #store: CscaStore;
  /** What was loaded into the trust store, file by file, for the start-up log. */
  readonly trustStoreFiles: readonly CscaFileResult[];

  private constructor(config: DocumentsConfig, store: CscaStore, files: readonly CscaFileResult[]) {
    this.#config = config;
    this.#store = store;
    this.trustStoreFiles = files;
  }

  /** `cscaDirectory` is config.documents.emrtd.cscaStorePath resolved by the caller (resolveDataPath). */
  static create(config: DocumentsConfig, cscaDirectory: string): DocumentVerifier {
    if (!existsSync(cscaDirectory)) {
      return new DocumentVerifier(config, new CscaStore(), [{ file: cscaDirectory, kind: 'ignored', ok: false, detail: 'trust-store directory does not exist: every chip will be chain-incomplete' }]);
    }
    const { store, files } = loadCscaStore(cscaDirectory, { requireMasterListSignature: config.emrtd.requireMasterListSignature });
    return new DocumentVerifier(config, store, files);
  }

  get trustedCscaCount(): number {
    return this.#store.size;
  }

  checkMrz(text: string | readonly string[], now: Date = new Date()): { mrz: MrzResult; decision: MrzPolicyDecision } {
    const mrz = parseMrz(text, { now, expiryWindowYears: this.#config.mrz.expiryWindowYears });
    return { mrz, decision: applyMrzPolicy(mrz, this.#config.mrz, now) };
  }

  checkChip(reading: ChipReading, opticalMrz: string | readonly string[] | undefined, now: Date = new Date()): ChipDecision {
    const passive = verifyPassiveAuthentication({
      sod: reading.sod, dataGroups: reading.dataGroups, opticalMrz, store: this.#store, now, requireCrl: this.#config.emrtd.requireCrl,
    });
    const reasons: string[] = [];
    if (passive.status === 'invalid') reasons.push('PA_INVALID');
    else if (passive.status === 'error') reasons.push('PA_ERROR');
    else if (passive.status === 'chain-incomplete' && !this.#config.emrtd.acceptChainIncomplete) reasons.push('PA_CHAIN_INCOMPLETE');

    let active: ActiveAuthResult | null = null;
    const dg15 = reading.dataGroups.get(15);
    if (reading.activeAuthentication) {
      if (!dg15) {
        active = { outcome: 'error', reason: 'Active Authentication answer without DG15', algorithm: null };
      } else {
        active = verifyActiveAuthentication({ dg15, ...reading.activeAuthentication, ecdsaSignatureAlgorithm: aaAlgorithm(reading.dataGroups.get(14)) });
      }
      if (active.outcome !== 'pass') reasons.push('AA_FAILED');
      // Only a DG15 whose hash the SOD vouches for proves anything: a cloner could bring his own key.
      else if (passive.checks.find((c) => c.name === 'dg.hash.15')?.outcome !== 'pass') reasons.push('AA_KEY_NOT_AUTHENTICATED');
    } else if (dg15 && this.#config.emrtd.requireActiveAuthentication) {
      reasons.push('AA_NOT_PERFORMED');
    }
    const chip = reading.chipAuthentication ? checkChipAuthentication(reading, passive) : null;
    if (chip) reasons.push(...chip.reasons);
    return { accepted: reasons.length === 0, reasons, passive, active, chip: chip?.result ?? null };
  }

  bindHolder(mrz: MrzParsed, identity: DirectoryIdentity): BindingResult {
    const id = this.#config.binding.compareDateOfBirth ? identity : { ...identity, dateOfBirth: null };
    return bindHolderToAccount(holderFromMrz(mrz), id, this.#config.binding.nameThreshold);
  }
}

/** Chip Authentication with the reader's report; like AA, it proves nothing unless the SOD vouches for DG14. */
function checkChipAuthentication(reading: ChipReading, passive: PassiveAuthReport): { result: ChipAuthResult; reasons: string[] } {
  const dg14 = reading.dataGroups.get(14);
  const result: ChipAuthResult = dg14 && reading.chipAuthentication
    ? verifyChipAuthentication({ ...reading.chipAuthentication, dg14 })
    : { outcome: 'error', reason: 'Chip Authentication answer without DG14', protocol: null, version: null, cipher: null, checks: [] };
  if (result.outcome !== 'pass') return { result, reasons: ['CA_FAILED'] };
  if (passive.checks.find((c) => c.name === 'dg.hash.14')?.outcome !== 'pass') return { result, reasons: ['CA_KEY_NOT_AUTHENTICATED'] };
  return { result, reasons: [] };
}

function aaAlgorithm(dg14: Uint8Array | undefined): string | undefined {
  if (!dg14) return undefined;
  try {
    return parseDg14(dg14).activeAuthenticationAlgorithm ?? undefined;
  } catch {
    return undefined;
  }
}
