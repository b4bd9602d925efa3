// The signed capture envelope the station's page posts to the appliance (docs/kiosk.md, "The signed
// envelope"): the captures as the capture API reads them and the `station` object whose signature covers
// the appliance's own canonical payload (src/verification/station/signed-payload.ts, imported, never
// restated), so what the agent signs is byte for byte what the appliance rebuilds and verifies.
import { stationSignedPayload } from '../../verification/station/signed-payload.js';
import type { StationSigner } from '../key/station-key.js';
import type { HeldCapture } from '../session/held-captures.js';

export interface EnvelopeItem {
  kind: string;
  mediaType: string;
  data: string;
  meta?: Record<string, unknown>;
}

export interface SignedEnvelope {
  captures: EnvelopeItem[];
  station: { id: string; issuedAt: number; operator: string | null; signature: string };
}

export interface EnvelopeRequest {
  stationId: string;
  sessionId: string;
  nonce: string;
  operator: string | null;
  captures: readonly HeldCapture[];
  issuedAt: number;
}

export async function signEnvelope(signer: StationSigner, req: EnvelopeRequest): Promise<SignedEnvelope> {
  const payload = stationSignedPayload(req);
  const signature = await signer.sign(payload);
  return {
    captures: req.captures.map((c) => ({
      kind: c.kind, mediaType: c.mediaType, data: c.bytes.toString('base64'), ...(c.meta === null ? {} : { meta: c.meta }),
    })),
    station: { id: req.stationId, issuedAt: req.issuedAt, operator: req.operator, signature: signature.toString('base64url') },
  };
}
