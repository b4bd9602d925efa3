// The express end of the error mapping: sends the view that src/core/describe-error.ts chose, as an HTML
// page (message always HTML-escaped) or JSON, and turns unknown routes into ERR_NOT_FOUND.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ProofgateError } from '../core/errors.js';
import { describeError, type ErrorView } from '../core/describe-error.js';
import { escapeHtml, htmlPage } from '../pages/escape-html.js';
import { logServerError } from './log-server-error.js';

/** Sends an error view as an HTML page or, when the client prefers it, JSON. */
export function sendErrorView(req: Request, res: Response, view: ErrorView): void {
  res.status(view.status);
  res.setHeader('Cache-Control', 'no-store');
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({ error: view.code, error_description: view.message });
    return;
  }
  const body = `<h1>${escapeHtml(view.status >= 500 ? 'Temporarily unavailable' : 'Request refused')}</h1>
<p>${escapeHtml(view.message)}</p>
<p><small>${escapeHtml(view.code)}</small></p>`;
  res.type('html').send(htmlPage('proofgate', body));
}

/** Last middleware of the app. */
export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const view = describeError(err);
  logServerError(`${req.method} ${req.path}`, err, view);
  sendErrorView(req, res, view);
};

/** Unknown routes. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new ProofgateError('ERR_NOT_FOUND', `no such page: ${req.method} ${req.path.slice(0, 200)}`, { status: 404 }));
};
