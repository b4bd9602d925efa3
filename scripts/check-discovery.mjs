#!/usr/bin/env node
// Fetches the appliance's discovery document with openid-client (a real OIDC relying-party library,
// not proofgate's code) and checks what Entra needs. Usage: node scripts/check-discovery.mjs <issuer>
import * as client from 'openid-client';

const issuer = process.argv[2];
if (!issuer) {
  console.error('usage: check-discovery.mjs <issuer>');
  process.exit(2);
}
const url = new URL(issuer);
const options = url.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {};
const config = await client.discovery(url, 'discovery-check', undefined, undefined, options);
const meta = config.serverMetadata();
const problems = [];
if (meta.issuer !== issuer) problems.push(`issuer ${meta.issuer} != ${issuer}`);
if (!meta.response_types_supported?.includes('id_token')) problems.push('response_types_supported lacks id_token');
if (!meta.id_token_signing_alg_values_supported?.includes('RS256')) problems.push('RS256 not supported');
if (!meta.jwks_uri) problems.push('no jwks_uri');
if (problems.length) {
  console.error(`discovery rejected: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(`discovery OK: ${meta.issuer} (authorization_endpoint ${meta.authorization_endpoint})`);
