// The flags of `proofgate recovery certificate|test`, apart from the command itself so that the command
// table (src/cli/main.ts) can list them without loading the HSM.
import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
const CONFIG = { config: { type: 'string' } } as const;

export const recoveryOptions = {
  certificate: { days: { type: 'string' }, renew: { type: 'boolean' }, by: { type: 'string' }, ...CONFIG },
  test: { ...CONFIG },
} as const satisfies Record<string, Options>;

export const recoveryUsage = {
  certificate: 'recovery certificate [--days N] [--renew] [--by NAME] [--config FILE]',
  test: 'recovery test [--config FILE]',
} as const;

export type RecoverySubcommand = keyof typeof recoveryOptions;
