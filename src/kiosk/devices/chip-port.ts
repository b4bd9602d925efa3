// The chip reader as the agent calls it: the contract's ChipReader (src/kiosk/devices/chip/chip-reader.ts,
// the PC/SC adapter with BAC, PACE and secure messaging), under the names the agent's code uses.
export type { ChipAccessKey, ChipRead as ChipReadResult, ChipReader as ChipReaderPort } from './chip/chip-reader.js';
