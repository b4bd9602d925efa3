// Public surface of the holder-binding module.
import type { MrzParsed } from '../mrz/parse-mrz.js';
import type { DocumentHolder } from './bind-holder.js';

export { bindHolderToAccount, DEFAULT_NAME_BINDING_THRESHOLD, type BindingResult, type BindingOutcome, type DirectoryIdentity, type DocumentHolder } from './bind-holder.js';
export { toMrzTokens, mrzTokenForms, type NameForm } from './transliterate.js';

/** The holder as a parsed MRZ describes it. */
export function holderFromMrz(mrz: MrzParsed): DocumentHolder {
  return {
    primaryParts: mrz.name.primaryParts,
    secondaryParts: mrz.name.secondaryParts,
    mayBeTruncated: mrz.name.mayBeTruncated,
    dateOfBirth: mrz.dateOfBirth,
  };
}
