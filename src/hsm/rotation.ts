// The rotation schedule, as pure arithmetic over publication times, shared by the PKCS#11 ring and the
// software ring. Entra caches the JWKS for about 24 h, so a new key is published first and only signs
// after `overlapMs` (default 48 h); the key it replaces stays published for another overlap so
// tokens it signed just before the switch keep verifying.

export interface ScheduledKey {
  /** When the key first appeared in the JWKS (ms since epoch). */
  readonly publishedAt: number;
  readonly kid: string;
}

export interface RotationView<K extends ScheduledKey> {
  /** The key that signs now. */
  active: K;
  /** Published newer key waiting for the overlap to pass, if any. */
  pending: K | undefined;
  /** Everything the JWKS must list now, active first. */
  published: K[];
  /** Keys no longer published: safe to destroy. */
  retired: K[];
  /** When `active` changes next without a rotation (ms since epoch), if scheduled. */
  nextSwitchAt: number | undefined;
}

/** Oldest first; equal times ordered by kid so every process sees the same order. */
function byPublication<K extends ScheduledKey>(keys: readonly K[]): K[] {
  return [...keys].sort((a, b) => a.publishedAt - b.publishedAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0));
}

/**
 * The first key signs from its publication; every later key from publishedAt + overlap. A key retires
 * one overlap after its successor started signing. Keys "published" in the future (clock moved back)
 * are treated as pending.
 */
export function rotationView<K extends ScheduledKey>(keys: readonly K[], now: number, overlapMs: number): RotationView<K> {
  const ordered = byPublication(keys);
  if (ordered.length === 0) throw new RangeError('rotationView: no keys');
  const activeFrom = ordered.map((k, i) => (i === 0 ? k.publishedAt : k.publishedAt + overlapMs));
  let activeIndex = 0;
  for (let i = 1; i < ordered.length; i++) if (activeFrom[i] <= now) activeIndex = i;
  const active = ordered[activeIndex];
  const newer = ordered.slice(activeIndex + 1);
  const older = ordered.slice(0, activeIndex);
  const stillPublished = older.filter((_, j) => now < activeFrom[j + 1] + overlapMs);
  const retired = older.filter((_, j) => now >= activeFrom[j + 1] + overlapMs);
  return {
    active,
    pending: newer.at(-1),
    published: [active, ...newer.reverse(), ...stillPublished.reverse()],
    retired,
    nextSwitchAt: activeIndex + 1 < ordered.length ? activeFrom[activeIndex + 1] : undefined,
  };
}

/**
 * Publication time for a new key: now, but strictly after every existing key, so a rotation in the same
 * millisecond as the previous publication cannot tie with it (a tie would be broken by kid and could
 * let the new key sign at once, skipping the overlap Entra's JWKS cache needs).
 */
export function nextPublicationTime(keys: readonly ScheduledKey[], now: number): number {
  return keys.reduce((latest, k) => Math.max(latest, k.publishedAt + 1), now);
}

export const hoursToMs = (hours: number): number => Math.round(hours * 3_600_000);
