/**
 * Two- and three-part questions: "who announced the raid and how many died?". A message is split
 * where a conjunction or a comma is followed by a new question word; each part is then answered on
 * its own, leaning on the others for what "it" or "where?" refers to.
 */
const QUESTION_START = String.raw`(?:(?:for|in|into|from|to|with|by|since|at|on)\s+)?(?:who|whom|whose|what|whats|what's|when|where|why|how|which|is|are|was|were|did|does|do|will|would|can|could|has|have|had)\b`;
// Not at a bare comma: "the talks on the pact, are they slowing down?" is one question after a preamble.
const SPLIT = new RegExp(String.raw`\s*(?:,?\s+(?:and|&|plus)\s+|\?\s+(?:and\s+)?)(?=${QUESTION_START})`, 'gi');
// In a list of questions ("who announced it, where was it, and how many died"), commas split too.
const LIST_COMMA = new RegExp(String.raw`,\s+(?=${QUESTION_START})`, 'gi');
const BACK_REFERENCE = /\b(it|its|they|them|their|that|this|there)\b/i;

export const MAX_PARTS = 3;

/**
 * The parts of a message, in order: one part when it asks one thing. `hasSubject` says whether a part
 * names something of the article's; a part that doesn't must be a bare follow-up ("and where?"), or
 * the message is read whole ("my wifi keeps dropping and how do I fix it?" is not two questions).
 */
export function splitParts(message: string, hasSubject: (part: string) => boolean = () => true): string[] {
  const split = message.split(SPLIT);
  const parts = (split.length > 1 ? split.flatMap((p) => p.split(LIST_COMMA)) : split).map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length < 2 || parts.length > MAX_PARTS) return [message];
  const bare = (p: string): boolean => p.split(/\s+/).length <= 3 || BACK_REFERENCE.test(p);
  if (!parts.every((p) => hasSubject(p) || bare(p)) || !parts.some(hasSubject)) return [message];
  return parts;
}
