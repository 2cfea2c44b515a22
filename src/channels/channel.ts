import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** What a channel did with the work it had when asked to drain. */
export interface DrainReport {
  /** Questions finished (answered or delivered) while draining. */
  answered: number;
  /** Questions accepted but still unanswered at the deadline, now given up. */
  abandoned: number;
  /**
   * Of those not answered here, how many are still kept in the Slack outbox: answered by the next
   * start or another replica, so not lost.
   */
  kept?: number;
}

/**
 * A way for people to reach the engine (Slack, web chat). Every channel shares
 * the process's one HTTP server, on the one PORT.
 */
export interface Channel {
  readonly name: string;
  /** Serve an HTTP request this channel owns. Returns false to let the next channel try. */
  handleRequest?(req: IncomingMessage, res: ServerResponse): boolean;
  /** Take over a connection asking to upgrade (a websocket). Returns false to leave it to others. */
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Called once the shared server is listening (attach websocket upgrades, open sockets...). */
  start(server: Server): Promise<void>;
  /**
   * Shutdown, first step: refuse new work (503), finish what was accepted, by
   * `deadline` (a Date.now() value) at the latest. Resolves with the counts.
   */
  drain?(deadline: number): Promise<DrainReport>;
  /** Stop taking new work and close connections; must be safe to call twice. */
  stop(): Promise<void>;
}
