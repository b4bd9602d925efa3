// What the first-time flow needs from the documents area, as one narrow port: the checks on a photo of
// the document (outline, sharpness, glare, MRZ read and policy), IR and UV images, the AAMVA barcode on
// a driver licence's back, the chip (passive and active authentication against the CSCA store) and the
// holder binding. DocumentsInspector is the real one: the OCR-B MRZ reader (templates rendered once at
// start-up) and the DocumentVerifier (CSCA store loaded once), both under config.documents.
import type { DocumentsConfig } from '../../config/sections/documents.js';
import { resolveDataPath } from '../../config/index.js';
import { readAamvaBarcode, type AamvaBarcodeRead } from '../../documents/aamva/index.js';
import { bindHolderToAccount, type BindingResult, type DirectoryIdentity, type DocumentHolder } from '../../documents/binding/index.js';
import { DocumentVerifier, type ChipDecision, type ChipReading } from '../../documents/document-verifier.js';
import {
  MrzImageReader, checkDocumentPhoto, checkInfraredImage, checkUltravioletImage, type DocumentImageCheck, type DocumentPhotoReport,
} from '../../documents/imaging/index.js';
import type { MrzPolicyDecision } from '../../documents/mrz/mrz-policy.js';
import type { MrzResult } from '../../documents/mrz/parse-mrz.js';

export interface DocumentInspector {
  /** Outline, aspect, sharpness, glare, MRZ read, check digits, expiry, holder age (documents.imaging, documents.mrz). */
  checkPhoto(image: Buffer, now: Date): Promise<DocumentPhotoReport>;
  /** The whole MRZ policy (state allow-list, specimens, sex X, expiry) on the lines read. */
  checkMrz(lines: readonly string[], now: Date): { mrz: MrzResult; decision: MrzPolicyDecision };
  checkInfrared(image: Buffer): Promise<DocumentImageCheck[]>;
  checkUltraviolet(image: Buffer): Promise<DocumentImageCheck[]>;
  readBarcode(image: Buffer): Promise<AamvaBarcodeRead>;
  checkChip(reading: ChipReading, opticalMrz: readonly string[] | undefined, now: Date): ChipDecision;
  /** documents.binding applied: name threshold, and the birth date only when compareDateOfBirth. */
  bindHolder(holder: DocumentHolder, identity: DirectoryIdentity): BindingResult;
  /** documents.mrz.expiryGraceDays and documents.imaging.minHolderAgeYears, for documents without an MRZ. */
  readonly expiryGraceDays: number;
  readonly minHolderAgeYears: number;
}

export class DocumentsInspector implements DocumentInspector {
  readonly #config: DocumentsConfig;
  readonly #reader: MrzImageReader;
  readonly verifier: DocumentVerifier;

  private constructor(config: DocumentsConfig, reader: MrzImageReader, verifier: DocumentVerifier) {
    this.#config = config;
    this.#reader = reader;
    this.verifier = verifier;
  }

  /** Renders the OCR-B templates and loads the CSCA store (documents.emrtd.cscaStorePath): once per process. */
  static async load(config: DocumentsConfig): Promise<DocumentsInspector> {
    const reader = await MrzImageReader.load(config.imaging);
    return new DocumentsInspector(config, reader, DocumentVerifier.create(config, resolveDataPath(config.emrtd.cscaStorePath)));
  }

  get expiryGraceDays(): number {
    return this.#config.mrz.expiryGraceDays;
  }

  get minHolderAgeYears(): number {
    return this.#config.imaging.minHolderAgeYears;
  }

  checkPhoto(image: Buffer, now: Date): Promise<DocumentPhotoReport> {
    return checkDocumentPhoto(image, this.#reader, this.#config, now);
  }

  checkMrz(lines: readonly string[], now: Date): { mrz: MrzResult; decision: MrzPolicyDecision } {
    return this.verifier.checkMrz(lines, now);
  }

  checkInfrared(image: Buffer): Promise<DocumentImageCheck[]> {
    return checkInfraredImage(image, this.#reader, this.#config.imaging);
  }

  checkUltraviolet(image: Buffer): Promise<DocumentImageCheck[]> {
    return checkUltravioletImage(image, this.#config.imaging);
  }

  readBarcode(image: Buffer): Promise<AamvaBarcodeRead> {
    return readAamvaBarcode(image, this.#config.imaging);
  }

  checkChip(reading: ChipReading, opticalMrz: readonly string[] | undefined, now: Date): ChipDecision {
    return this.verifier.checkChip(reading, opticalMrz, now);
  }

  bindHolder(holder: DocumentHolder, identity: DirectoryIdentity): BindingResult {
    const id = this.#config.binding.compareDateOfBirth ? identity : { ...identity, dateOfBirth: null };
    return bindHolderToAccount(holder, id, this.#config.binding.nameThreshold);
  }
}
