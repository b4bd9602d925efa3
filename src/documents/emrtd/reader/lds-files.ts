// The files of an eMRTD's LDS1 application (ICAO 9303-10): their file identifiers, and the data
// group tags EF.COM lists.
export const EMRTD_APPLICATION_AID = Buffer.from('a0000002471001', 'hex');

export const LDS_FILES = {
  cardAccess: 0x011c, // in the master file, readable without access control
  com: 0x011e,
  sod: 0x011d,
  dg1: 0x0101,
  dg2: 0x0102,
  dg14: 0x010e,
  dg15: 0x010f,
} as const;

/** EF.COM's tag list (5C) entries for the data groups read here. */
export const DG_TAGS = { dg1: 0x61, dg2: 0x75, dg14: 0x6e, dg15: 0x6f } as const;
