// GET on the authorization endpoint: Entra probes it and marks the method "Non-usable" unless it is 200.
import type { RequestHandler } from 'express';
import { htmlPage } from '../../pages/escape-html.js';

const page = htmlPage('proofgate', '<h1>proofgate</h1><p>Entra external authentication endpoint. Sign-in requests arrive here as form POSTs.</p>');

export const healthProbe: RequestHandler = (_req, res) => {
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(page);
};
