// The one seam between the eMRTD protocols and a card: one command APDU out, its response (data and
// SW1 SW2) back. PC/SC implements it on the kiosk; tests put a simulated chip behind it.
export type ChipTransport = (apdu: Uint8Array) => Promise<Buffer>;
