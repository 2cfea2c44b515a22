import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * A way for people to reach the engine (Slack, web chat). Every channel shares
 * the process's one HTTP server, on the one PORT.
 */
export interface Channel {
  readonly name: string;
  /** Serve an HTTP request this channel owns. Returns false to let the next channel try. */
  handleRequest?(req: IncomingMessage, res: ServerResponse): boolean;
  /** Called once the shared server is listening (attach websocket upgrades, open sockets...). */
  start(server: Server): Promise<void>;
  /** Stop taking new work and close connections; must be safe to call twice. */
  stop(): Promise<void>;
}
