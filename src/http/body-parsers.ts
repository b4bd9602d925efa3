// Form and JSON bodies, capped at server.maxBodyBytes. Oversized bodies end as 413 and malformed ones as
// 400 through the error handler. Image uploads use their own raw parsers and limit.
import express, { type RequestHandler } from 'express';
import type { ServerConfig } from '../config/sections/server.js';

export function bodyParsers(config: ServerConfig): RequestHandler[] {
  return [
    express.urlencoded({ extended: false, limit: config.maxBodyBytes, parameterLimit: 100 }),
    express.json({ limit: config.maxBodyBytes, strict: true }),
  ];
}
