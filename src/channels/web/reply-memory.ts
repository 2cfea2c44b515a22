/** What a vote needs to know about the answer it is on. */
export interface RememberedReply {
  question: string;
  intent: string | null;
  version: string;
  /** The logged question's id, when the answer came from a typed question. */
  questionId: string | null;
}

/**
 * The last few answers of each connection, so a 👍/👎 frame can name one by
 * id. Bounded twice: `perConnection` answers each, and `connections` in all
 * (least recently used first out), since closed sockets are never announced here.
 */
export class ReplyMemory {
  private readonly byConnection = new Map<string, Map<string, RememberedReply>>();

  constructor(
    private readonly perConnection = 50,
    private readonly connections = 1_000,
  ) {}

  remember(connection: string, id: string, reply: RememberedReply): void {
    const replies = this.byConnection.get(connection) ?? new Map<string, RememberedReply>();
    this.byConnection.delete(connection);
    this.byConnection.set(connection, replies);
    replies.set(id, reply);
    if (replies.size > this.perConnection) replies.delete(replies.keys().next().value as string);
    if (this.byConnection.size > this.connections) this.byConnection.delete(this.byConnection.keys().next().value as string);
  }

  recall(connection: string, id: string): RememberedReply | undefined {
    return this.byConnection.get(connection)?.get(id);
  }

  get size(): number {
    return this.byConnection.size;
  }
}
