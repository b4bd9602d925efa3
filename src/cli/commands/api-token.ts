// `proofgate api-token add|list|revoke`: the API tokens of integrations (an ITSM tool) for the help desk's
// REST API (docs/helpdesk.md). add prints the token once (only its SHA-256 is stored); add and revoke write
// an audit record through the audit trail (its MACs need the HSM, so they open the one-shot trail like
// `station add`); list only reads the store. A bad name or scope is refused before anything is opened.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ProofgateError } from '../../core/errors.js';
import { addApiToken, apiTokenName, parseScopes, revokeApiToken, API_SCOPES } from '../../helpdesk/api-tokens.js';
import { consoleIo, type CommandIo } from './command-io.js';
import { openCommandRuntime, type CommandRuntime } from './command-runtime.js';

type Options = NonNullable<ParseArgsConfig['options']>;
const CONFIG = { config: { type: 'string' } } as const;

export const apiTokenOptions = {
  add: { scope: { type: 'string' }, ...CONFIG },
  list: { json: { type: 'boolean' }, ...CONFIG },
  revoke: { ...CONFIG },
} as const satisfies Record<string, Options>;

export const apiTokenUsage = {
  add: `api-token add NAME --scope ${API_SCOPES.join(',')} [--config FILE]`,
  list: 'api-token list [--json] [--config FILE]',
  revoke: 'api-token revoke NAME [--config FILE]',
} as const;

export const apiTokenPositionals = { add: 1, list: 0, revoke: 1 } as const;

export type ApiTokenSubcommand = keyof typeof apiTokenOptions;

export type ApiTokenRuntime = CommandRuntime;

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

export async function apiTokenCommand(
  sub: ApiTokenSubcommand, args: string[], runtime: (configFile: string | undefined) => Promise<ApiTokenRuntime> = openCommandRuntime, io: CommandIo = consoleIo,
): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: apiTokenOptions[sub], strict: true, allowPositionals: true });
  const v = values as { scope?: string; json?: boolean; config?: string };
  if (positionals.length !== apiTokenPositionals[sub]) {
    throw new ProofgateError('ERR_USAGE', `${sub === 'list' ? 'no arguments are taken' : 'the token NAME is required'}; usage: proofgate ${apiTokenUsage[sub]}`, { status: 400 });
  }
  let scopes: ReturnType<typeof parseScopes> = [];
  if (sub !== 'list') apiTokenName(positionals[0]);
  if (sub === 'add') {
    if (!v.scope) throw new ProofgateError('ERR_USAGE', `--scope is required; usage: proofgate ${apiTokenUsage.add}`, { status: 400 });
    scopes = parseScopes(v.scope);
  }
  const rt = await runtime(v.config);
  try {
    if (sub === 'list') {
      const tokens = rt.repository.requests.listApiTokens();
      if (v.json) {
        io.out(JSON.stringify({ tokens: tokens.map((t) => ({ id: t.tokenId, name: t.name, scopes: t.scopes, createdAt: iso(t.createdAt), revokedAt: t.revokedAt === null ? null : iso(t.revokedAt), lastUsedAt: t.lastUsedAt === null ? null : iso(t.lastUsedAt) })) }));
        return 0;
      }
      io.out('NAME  SCOPES  CREATED  LAST USED  REVOKED');
      for (const t of tokens) io.out(`${JSON.stringify(t.name)}  ${t.scopes.join(',')}  ${iso(t.createdAt)}  ${iso(t.lastUsedAt)}  ${iso(t.revokedAt)}`);
      io.out(`${tokens.length} token(s), ${tokens.filter((t) => t.revokedAt === null).length} active`);
      return 0;
    }
    const trail = await rt.openAudit();
    try {
      const w = { repo: rt.repository, audit: trail.audit };
      if (sub === 'add') {
        const { token, stored } = addApiToken(w, positionals[0], scopes, rt.now());
        io.out(token);
        io.out(`API token ${JSON.stringify(stored.name)} added with scopes ${stored.scopes.join(',')}: the line above is the token, shown only now (only its SHA-256 is stored)`);
        return 0;
      }
      const revoked = revokeApiToken(w, positionals[0], rt.now());
      io.out(`API token ${JSON.stringify(revoked.name)} revoked at ${iso(revoked.revokedAt)}: it is refused from now on`);
      return 0;
    } finally {
      await trail.close();
    }
  } finally {
    await rt.close();
  }
}
