// Configuration section "documents". The defaults object is also the documentation: one comment per key.
import { ConfigError, type SectionReader } from '../validate.js';
import { imagingDefaults, readImagingConfig, type ImagingConfig } from './documents-imaging.js';

export const documentsDefaults = {
  mrz: {
    /** An expiry year YY is read in the century that puts it at most this many years after today (ICAO gives no rule). */
    expiryWindowYears: 50,
    /** Days after the printed expiry date during which a document is still accepted. 0: expired means refused. */
    expiryGraceDays: 0,
    /** Accept ICAO specimen documents (issuing state or nationality UTO). Only for demonstrations. */
    acceptSpecimens: false,
    /** Accept sex "X" (unspecified; valid ICAO since 2015). */
    acceptSexX: true,
    /** Issuing states accepted, as MRZ codes ("D", "FRA", "NZL"). Empty: every known ISO/ICAO code. */
    acceptedIssuingStates: [] as string[],
    /**
     * Correction of OCR output (src/documents/mrz/correct-mrz.ts). An identifying field (document number,
     * birth and expiry dates, personal number / optional data, their check digits) is changed only where
     * the read character cannot occur there and a look-alike can (a letter in a date), or where the OCR
     * nearly preferred the replacement itself (scored it at least minAlternativeConfidence and at most
     * maxChangeCost below the read character), and the supported reading the OCR scores best among those
     * whose check digit validates leads the next by minScoreMargin. Otherwise
     * a failing check digit makes the read MRZ_UNREADABLE (read again): a failing read is never turned
     * into a valid one on a guess. docs/documents.md has the rule and what it cannot prevent.
     */
    correction: {
      /**
       * Lowest confidence (0..1, on the OCR's own scale: normalised OCR-B template correlation for the
       * built-in reader) of an OCR alternative that may replace a read character. Chosen on rendered test
       * cards (not on evaluation data): 0.85 keeps 90% of the true alternatives at misread positions and
       * 15% of the runner-ups at correctly read ones (median 0.78).
       */
      minAlternativeConfidence: 0.85,
      /**
       * How much better (in summed confidence lost against the read characters) the chosen reading must
       * score than the next reading whose check digit also validates; closer than this, the field is
       * ambiguous and the read unreadable. Chosen on rendered test cards (not on evaluation data): it
       * keeps the one-misread repairs there and refuses numbers whose every 0/O is a near tie.
       */
      minScoreMargin: 0.02,
      /** Most characters changed in one identifying field, its check digit included. 0: identifying fields are never changed. */
      maxChangesPerField: 2,
      /**
       * Most the OCR may have scored a replacement below the read character at a position where the read
       * character can occur (0..0.5, the OCR's scale). A change is evidence only where the OCR nearly
       * chose the replacement itself; a strong runner-up at a confidently read position is not (15% of
       * correctly read positions have one at 0.85 or more), and the check digit would accept a wrong one
       * 1 time in 10. This bar is what a reading that is the only valid one must meet: with no competitor
       * the margin rule cannot refuse it. 0.05, a near tie, is set from that reasoning, not from
       * evaluation data. A position read near-tied between two characters can still be corrected wrongly
       * when the check digit happens to accept it (docs/documents.md, what it cannot prevent).
       */
      maxChangeCost: 0.05,
    },
  },
  emrtd: {
    /**
     * Directory of trust anchors for chip passive authentication: CSCA master lists (*.ml, CMS-signed),
     * loose CSCA certificates (*.cer, *.crt, *.der, *.pem) and CRLs (*.crl). Relative to the project root.
     */
    cscaStorePath: 'var/csca',
    /** Import a master list only when its own CMS signature verifies and its signer chains to a CSCA. */
    requireMasterListSignature: true,
    /** Fail passive authentication when no CRL from the document signer's CSCA is loaded. */
    requireCrl: false,
    /**
     * Treat "chain-incomplete" (data and SOD signature intact, no CSCA known for the signer) as acceptable.
     * false: only "valid" passes.
     */
    acceptChainIncomplete: false,
    /** Refuse a chip that has DG15 (an Active Authentication key) when the reader did not run Active Authentication. */
    requireActiveAuthentication: false,
  },
  binding: {
    /** Lowest name-agreement score (0..1) at which the document holder is bound to the directory account. */
    nameThreshold: 0.85,
    /** Compare the MRZ birth date with the directory's when the directory provides one (a conflict refuses). */
    compareDateOfBirth: true,
  },
  /** Checks on document photos (visible, IR, UV): documented in src/config/sections/documents-imaging.ts. */
  imaging: imagingDefaults,
};

export interface DocumentsConfig {
  mrz: {
    expiryWindowYears: number;
    expiryGraceDays: number;
    acceptSpecimens: boolean;
    acceptSexX: boolean;
    acceptedIssuingStates: string[];
    correction: { minAlternativeConfidence: number; minScoreMargin: number; maxChangesPerField: number; maxChangeCost: number };
  };
  emrtd: {
    cscaStorePath: string;
    requireMasterListSignature: boolean;
    requireCrl: boolean;
    acceptChainIncomplete: boolean;
    requireActiveAuthentication: boolean;
  };
  binding: {
    nameThreshold: number;
    compareDateOfBirth: boolean;
  };
  imaging: ImagingConfig;
}

export function readDocumentsConfig(r: SectionReader): DocumentsConfig {
  const m = r.section('mrz');
  const mrz = {
    expiryWindowYears: m.number('expiryWindowYears', { integer: true, min: 10, max: 99 }),
    expiryGraceDays: m.number('expiryGraceDays', { integer: true, min: 0, max: 3650 }),
    acceptSpecimens: m.boolean('acceptSpecimens'),
    acceptSexX: m.boolean('acceptSexX'),
    acceptedIssuingStates: m.stringArray('acceptedIssuingStates', { pattern: /^[A-Z]{1,3}$/ }),
    correction: readMrzCorrection(m.section('correction')),
  };
  m.done();
  const e = r.section('emrtd');
  const emrtd = {
    cscaStorePath: e.string('cscaStorePath'),
    requireMasterListSignature: e.boolean('requireMasterListSignature'),
    requireCrl: e.boolean('requireCrl'),
    acceptChainIncomplete: e.boolean('acceptChainIncomplete'),
    requireActiveAuthentication: e.boolean('requireActiveAuthentication'),
  };
  e.done();
  const b = r.section('binding');
  const binding = {
    nameThreshold: b.number('nameThreshold', { min: 0.5, max: 1 }),
    compareDateOfBirth: b.boolean('compareDateOfBirth'),
  };
  b.done();
  if (!binding.compareDateOfBirth && binding.nameThreshold < 0.7) {
    // Names alone at a lax threshold would bind near-namesakes; refuse the combination outright.
    throw new ConfigError(b.key('nameThreshold'), 'at least 0.7 when compareDateOfBirth is false', binding.nameThreshold);
  }
  const imaging = readImagingConfig(r.section('imaging'));
  r.done();
  return { mrz, emrtd, binding, imaging };
}

function readMrzCorrection(c: SectionReader): DocumentsConfig['mrz']['correction'] {
  const correction = {
    // Below 0.5 an alternative is more likely wrong than right on any correlation scale: refused.
    minAlternativeConfidence: c.number('minAlternativeConfidence', { min: 0.5, max: 1 }),
    minScoreMargin: c.number('minScoreMargin', { min: 0, max: 1 }),
    maxChangesPerField: c.number('maxChangesPerField', { integer: true, min: 0, max: 3 }),
    // Above 0.5 (with the floor at 0.5 or more) the bar would admit every alternative: refused.
    maxChangeCost: c.number('maxChangeCost', { min: 0, max: 0.5 }),
  };
  c.done();
  return correction;
}
