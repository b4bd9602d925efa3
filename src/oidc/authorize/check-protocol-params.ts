// Step 3: the fixed protocol shape of an EAM request: implicit flow, id_token, form_post, openid, a nonce;
// and the values we store or echo (nonce, state, client-request-id) within their bounds (echoed-params.ts).
import type { RequestHandler } from 'express';
import { ProofgateError } from '../../core/errors.js';
import { authorizeContext } from './context.js';
import { echoedParamProblem, type EchoedParam } from './echoed-params.js';

const invalid = (message: string) => new ProofgateError('ERR_INVALID_REQUEST', message, { status: 400 });
const ECHOED: readonly EchoedParam[] = ['nonce', 'state', 'client-request-id'];

export const checkProtocolParams: RequestHandler = (_req, res, next) => {
  const { params, repeated } = authorizeContext(res);
  if (repeated.length > 0) throw invalid(`parameter given more than once: ${repeated.join(', ')}`);
  if (!(params.scope ?? '').split(' ').includes('openid')) throw invalid('scope must include openid');
  if (params.response_type !== 'id_token') throw invalid('response_type must be id_token');
  if (params.response_mode !== 'form_post') throw invalid('response_mode must be form_post');
  if (!params.nonce) throw invalid('nonce is required');
  for (const name of ECHOED) {
    const value = params[name];
    const problem = value === undefined ? null : echoedParamProblem(name, value);
    if (problem !== null) throw invalid(problem);
  }
  next();
};
