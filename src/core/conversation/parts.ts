/**
 * Two- and three-part questions: "who announced the raid and how many died?". A message is split
 * where a conjunction or a comma is followed by a new question word; each part is then answered on
 * its own, leaning on the others for what "it" or "where?" refers to.
 */
const SPLIT =
  /\s*(?:,\s*(?:and\s+|&\s+)?|;\s*|\?\s+(?:and\s+)?|\s+(?:and|&|also|plus)\s+)(?=(?:who|whom|whose|what|whats|what's|when|where|why|how|which|is|are|was|were|did|does|do|will|would|can|could|has|have|had)\b)/gi;

export const MAX_PARTS = 3;

/** The parts of a message, in order: one part when it asks one thing. */
export function splitParts(message: string): string[] {
  const parts = message
    .split(SPLIT)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length < 2 || parts.length > MAX_PARTS) return [message];
  return parts;
}
