// The chip's access key as the kiosk knows it: the MRZ's document number and dates (read by the
// scanner or typed by the operator), or the card access number printed on the data page.
import { createHash } from 'node:crypto';
import { mrzCheckDigit } from '../../mrz/index.js';
import { ChipAccessError } from './chip-access-error.js';

export type ChipAccessKey =
  | { readonly documentNumber: string; readonly dateOfBirth: string; readonly dateOfExpiry: string }
  | { readonly can: string };

const YYMMDD = /^\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;

/** MRZ_information of 9303-11 section 9.7.1: number (padded to 9, longer numbers whole), dates, each with its check digit. */
export function mrzInformation(key: { documentNumber: string; dateOfBirth: string; dateOfExpiry: string }): string {
  const number = key.documentNumber.toUpperCase();
  if (!/^[A-Z0-9<]{1,22}$/.test(number)) throw new ChipAccessError('access-denied', 'the document number must be 1 to 22 MRZ characters');
  if (!YYMMDD.test(key.dateOfBirth) || !YYMMDD.test(key.dateOfExpiry)) throw new ChipAccessError('access-denied', 'dates must be YYMMDD');
  const padded = number.padEnd(9, '<');
  const withDigit = (s: string) => `${s}${mrzCheckDigit(s)}`;
  return withDigit(padded) + withDigit(key.dateOfBirth) + withDigit(key.dateOfExpiry);
}

export function isCanKey(key: ChipAccessKey): key is { readonly can: string } {
  return 'can' in key;
}

/** PACE's password π: SHA-1(MRZ_information) for MRZ keys, the CAN's digits for a CAN (9303-11 section 9.7.3). */
export function pacePassword(key: ChipAccessKey): { password: Buffer; reference: 1 | 2 } {
  if (isCanKey(key)) {
    if (!/^\d{6}$/.test(key.can)) throw new ChipAccessError('access-denied', 'a card access number is 6 digits');
    return { password: Buffer.from(key.can, 'latin1'), reference: 2 };
  }
  return { password: createHash('sha1').update(mrzInformation(key), 'latin1').digest(), reference: 1 };
}
