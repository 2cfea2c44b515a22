import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { requestPath } from '../../url-path.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export type StaticSite = (req: IncomingMessage, res: ServerResponse) => boolean;

// A Host header that is safe to echo into the CSP: name or [IPv6], optional port.
const HOST_PATTERN = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The page's security headers. `connect-src` names the socket on this very
 * host explicitly, since older browsers do not count ws: as 'self'.
 */
export function securityHeaders(host: string | undefined): Record<string, string> {
  const sockets = host && HOST_PATTERN.test(host) ? ` ws://${host} wss://${host}` : '';
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}

export function asset(body: Buffer | string, type: string): Asset {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return { body: bytes, type, etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"` };
}

/** Every file directly in `dir`, read now, keyed by URL path; index.html is also `/`. */
export function readAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const type = TYPES[extname(entry.name)];
    if (!entry.isFile() || !type) continue;
    const file = asset(readFileSync(join(dir, entry.name)), type);
    assets.set(`/${entry.name}`, file);
    if (entry.name === 'index.html') assets.set('/', file);
  }
  if (!assets.has('/')) throw new Error(`No index.html in ${dir}`);
  return assets;
}

/**
 * Serve in-memory assets with the security headers. Returns false for paths
 * it does not own, so the next channel can try.
 */
export function createStaticSite(assets: ReadonlyMap<string, Asset>): StaticSite {
  return (req, res) => {
    const path = requestPath(req);
    const file = assets.get(path);
    if (!file) return false;
    const headers = { ...securityHeaders(req.headers.host), 'cache-control': 'no-cache', etag: file.etag };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Method not allowed\n');
      return true;
    }
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'content-type': file.type, 'content-length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return true;
  };
}
