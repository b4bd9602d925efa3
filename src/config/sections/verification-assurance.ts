// Configuration "verification.assurance": which liveness assurance tier each flow requires, per tenant
// where needed. The one liveness rule: a decision is verified only when the tier its evidence reached
// (src/liveness/assurance-tier.ts) is at least the tier required here. It replaces
// liveness.policy.withoutDepth (refused at start-up with what to write instead).
import { ConfigError, type SectionReader } from '../validate.js';

/** Lowest first. src/liveness/assurance-tier.ts says what evidence reaches each. */
export const ASSURANCE_TIERS = ['none', 'remote-active', 'kiosk-depth'] as const;
export type AssuranceTier = (typeof ASSURANCE_TIERS)[number];

export interface AssuranceRequirement {
  returningUser: AssuranceTier;
  firstTime: AssuranceTier;
}

export interface AssurancePolicy extends AssuranceRequirement {
  /** Per Entra tenant id (lower case): overrides of either flow's requirement. */
  tenants: Record<string, Partial<AssuranceRequirement>>;
}

export const assuranceDefaults = {
  /**
   * A returning user (a stored profile): 'remote-active', so a laptop or phone browser verifies with the
   * active challenge, motion consistency and no refusing injection signal. 'kiosk-depth' asks for a trusted
   * station's depth camera. 'none' accepts a capture with no liveness evidence at all: supervised pilots
   * only, where staff watch every capture (the audit records the tier reached as none).
   */
  returningUser: 'remote-active' as AssuranceTier,
  /**
   * First-time enrolment (document + selfie): 'kiosk-depth', a trusted station with a depth camera, because
   * the profile enrolled here is what every later verification trusts. (Staff attestation as an alternative
   * is not built yet.)
   */
  firstTime: 'kiosk-depth' as AssuranceTier,
  /** Per Entra tenant id: { returningUser?, firstTime? } overriding the two above for that tenant. */
  tenants: {} as Record<string, Partial<AssuranceRequirement>>,
};

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function readAssurance(r: SectionReader): AssurancePolicy {
  const returningUser = r.oneOf('returningUser', ASSURANCE_TIERS);
  const firstTime = r.oneOf('firstTime', ASSURANCE_TIERS);
  const rawTenants = r.raw('tenants');
  if (rawTenants === null || typeof rawTenants !== 'object' || Array.isArray(rawTenants)) {
    throw new ConfigError(r.key('tenants'), 'an object keyed by Entra tenant id', rawTenants);
  }
  const tenants: Record<string, Partial<AssuranceRequirement>> = {};
  for (const tid of Object.keys(rawTenants)) {
    if (!TENANT_ID.test(tid)) throw new ConfigError(`${r.key('tenants')}.${tid.slice(0, 60)}`, 'an Entra tenant id (a lower-case GUID) as the key', tid);
    const t = r.section('tenants').section(tid);
    const override: Partial<AssuranceRequirement> = {};
    for (const flow of ['returningUser', 'firstTime'] as const) {
      if (t.raw(flow) !== undefined) override[flow] = t.oneOf(flow, ASSURANCE_TIERS);
    }
    t.done();
    tenants[tid] = override;
  }
  r.done();
  return { returningUser, firstTime, tenants };
}

/** The tier a flow requires for a tenant: the tenant's override, else the default. */
export function requiredTier(policy: AssurancePolicy, tid: string, flow: 'returning' | 'first-time'): AssuranceTier {
  const key = flow === 'returning' ? 'returningUser' : 'firstTime';
  return policy.tenants[tid.toLowerCase()]?.[key] ?? policy[key];
}

/** One line for /health and the start-up log: the policy as it is in force. */
export function describeAssurance(policy: AssurancePolicy): string {
  const overrides = Object.entries(policy.tenants).map(([tid, o]) => `${tid}: ${Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const pilot = [policy.returningUser, policy.firstTime, ...Object.values(policy.tenants).flatMap((o) => Object.values(o))].includes('none');
  return `returningUser ${policy.returningUser}, firstTime ${policy.firstTime}${overrides.length > 0 ? `; tenants ${overrides.join('; ')}` : ''}`
    + (pilot ? '; a flow accepts tier none: no liveness evidence required (supervised pilots only)' : '');
}
