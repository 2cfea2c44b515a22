/**
 * Pointers into the text ("in the third paragraph", "the last sentence") and summary requests
 * ("tl;dr", "bottom line"): they frame a question without adding a fact to it.
 */

/** Ordinal words, as the paragraph or sentence number they name; "last" is whatever comes last. */
export const ORDINALS: ReadonlyMap<string, number> = new Map(
  Object.entries({
    first: 1,
    opening: 1,
    '1st': 1,
    second: 2,
    '2nd': 2,
    third: 3,
    '3rd': 3,
    fourth: 4,
    '4th': 4,
    fifth: 5,
    '5th': 5,
    last: Number.POSITIVE_INFINITY,
    final: Number.POSITIVE_INFINITY,
    closing: Number.POSITIVE_INFINITY,
  }),
);

/** "the third paragraph", "the last sentence": capture 1 is the ordinal, capture 2 the unit. */
export const POINTER = new RegExp(`\\b(${[...ORDINALS.keys()].join('|')}) (paragraph|sentence)\\b`, 'g');

/** Summary requests: framing around a question, or, alone, a request for the gist. */
export const SUMMARY_FRAMING = /\btl dr\b|\bbottom line\b/;

/** Framing dropped from a question before matching: any pointer (also "next section") and summary requests. */
export const FRAMING = new RegExp(
  `\\b(?:(?:in|from) )?(?:the )?(?:${[...ORDINALS.keys(), 'next', 'previous'].join('|')}) (?:paragraph|sentence|section|passage|line|part)\\b|${SUMMARY_FRAMING.source}`,
  'g',
);
