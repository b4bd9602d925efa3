// Public surface of the AAMVA driver's licence / ID barcode support.
export { parseAamva, readDate, type AamvaResult, type AamvaParsed, type AamvaUnparsed, type AamvaFields, type AamvaSubfile } from './parse-aamva.js';
export { readAamvaHeader, type AamvaHeader, type SubfileDesignator } from './aamva-header.js';
export { crossCheckFront, type FrontReading, type FieldComparison } from './cross-check.js';
export { readAamvaBarcode, type AamvaBarcodeRead } from './decode-barcode.js';
export { IIN_JURISDICTION, CANADIAN_JURISDICTIONS } from './aamva-jurisdictions.js';
