// Public surface of the documents area: MRZ, eMRTD chip checks, holder binding, and the verifier
// that applies config.documents to them.
export * from './mrz/index.js';
export * from './emrtd/index.js';
export * from './binding/index.js';
export { DocumentVerifier, type ChipReading, type ChipDecision } from './document-verifier.js';
