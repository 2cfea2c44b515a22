import type { IncomingMessage } from 'node:http';

/** The path of a request's URL, without its query string: what every route is matched on. */
export function requestPath(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] || '/';
}
