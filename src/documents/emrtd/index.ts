// Public surface of the eMRTD module.
export { verifyPassiveAuthentication, type PassiveAuthInput, type PassiveAuthReport } from './passive-auth.js';
export { CscaStore, verifyIssuedBy, verifyCrlIssuedBy, type TrustedCsca, type MasterListImport, type MasterListOptions } from './csca-store.js';
export { parseSod, parseLdsSecurityObject, type Sod, type LdsSecurityObject } from './sod.js';
export { parseSignedData, findSignerCertificate, type SignedData, type SignerInfo } from './cms.js';
export { parseCertificate, describeCertificate, type Certificate, type DistinguishedName, type AlgorithmIdentifier } from './x509.js';
export { parseCrl, type Crl } from './crl.js';
export { readDg1Mrz } from './dg1.js';
export { importPublicKey, toExplicitSpki, KeyImportError, type ImportedKey } from './public-key.js';
export { verifySignature, type SignatureCheck } from './signature.js';
export { overallStatus, type PaCheck, type PaStatus, type CheckOutcome } from './report.js';
export { verifyActiveAuthentication, type ActiveAuthInput, type ActiveAuthResult } from './active-auth.js';
export { deriveBacKeys, type BacKeys } from './bac-keys.js';
export { parseDg14, SECURITY_INFO_OIDS, CHIP_AUTHENTICATION_PROTOCOLS, type Dg14 } from './dg14.js';
export { startChipAuthentication, deriveSessionKeys, chipAuthenticationSecret, ecPoint, type ChipAuthenticationSession, type SessionCipher } from './chip-auth.js';
export { loadCscaStore, type CscaFileResult } from './load-csca-store.js';
export { NAMED_CURVES, type NamedCurve } from './ec-curves.js';
export { OID, HASH_OIDS, type HashName } from './oids.js';
