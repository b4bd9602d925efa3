// Step 1: take Entra's form fields. Only the known parameters are kept; a known one given twice is noted.
import type { RequestHandler } from 'express';
import { ProofgateError } from '../../core/errors.js';
import { AUTHORIZE_PARAMS, type AuthorizeContext } from './context.js';

export const readParams: RequestHandler = (req, res, next) => {
  if (!req.is('application/x-www-form-urlencoded') || req.body === null || typeof req.body !== 'object') {
    throw new ProofgateError('ERR_UNSUPPORTED_MEDIA_TYPE', 'the authorization request must be a form POST (application/x-www-form-urlencoded)', { status: 415 });
  }
  const body = req.body as Record<string, unknown>;
  const ctx: AuthorizeContext = { params: {}, repeated: [] };
  for (const name of AUTHORIZE_PARAMS) {
    if (!Object.hasOwn(body, name)) continue;
    const value = body[name];
    if (Array.isArray(value)) ctx.repeated.push(name);
    else if (typeof value === 'string') ctx.params[name] = value;
  }
  res.locals.authorize = ctx;
  next();
};
