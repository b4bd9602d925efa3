// Public surface of document-image checks (visible, IR, UV) and the MRZ-from-image reader.
export { MrzImageReader, type MrzImageRead, type MrzImageReadOptions } from './mrz-image-reader.js';
export { checkDocumentPhoto, ageInYears, type DocumentPhotoReport } from './document-photo-checks.js';
export { checkInfraredImage, checkUltravioletImage } from './ir-uv-checks.js';
export { checkPortrait } from './portrait-check.js';
export { measureDocument, nearestFormat, DOCUMENT_FORMATS, type DocumentMeasurement } from './measure-document.js';
export { allPassed, type DocumentImageCheck, type CheckOutcome } from './image-checks.js';
export { DocumentImageError } from './native-document.js';
export { imagingDefaults, type ImagingConfig, type RegionConfig } from '../../config/sections/documents-imaging.js';
