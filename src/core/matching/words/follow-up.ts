/**
 * How a message leans on the turn before it. Matched on the words as meant (folded, shorthand
 * expanded), joined by spaces.
 */

/** Words that point back at what was just said: "when did *they* start?", "where was *it*?". */
export const BACK_REFERENCES: ReadonlySet<string> = new Set(
  'it its they them their theirs that this those these there he she him her his same such one'.split(' '),
);

/** Words a follow-up starts with: "and when?", "so how many?", "what about the raid?". */
export const LEAD_INS = /^(and|so|but|also|then|ok|okay|what about|how about|and what about|ok and|ok so)\b/;

/** "tell me more", "go on": the neighbouring sentences of the last answer. */
export const MORE =
  /^(please )?(tell me more|tell me more about (it|that|this|them)|more|more please|more info|more details|any more details|go on|keep going|continue|elaborate|expand on (it|that)|say more|and then|what next|details)( please)?$/;

/** "what else?": related facts not given yet. */
export const ELSE =
  /^(and )?(what else|anything else|what else is there|what else does it say|what else do you know|anything more|other facts|what more)( please)?$/;

/** Question words, which a topic carried from one turn to the next leaves behind. */
export const QUESTION_TOKENS: ReadonlySet<string> = new Set('what when where who whom whose why how which many much long'.split(' '));
