/** What kind of answer a question asks for, from its question words. */
export type QuestionType = 'when' | 'duration' | 'count' | 'who' | 'where' | 'which-country' | 'why' | 'other';

/** First match wins: "how many years" is a duration before it is a count. Matched on folded text. */
export const QUESTION_TYPE_PATTERNS: readonly (readonly [QuestionType, RegExp])[] = [
  ['count', /\b(how (many|much)|number of|what number)\b/],
  ['duration', /\b(how long(?! ago)|for how long|how many years)\b/],
  ['when', /\b(when|whens|since when|how long ago|what (date|day|month|year|time)|which (date|day|month|year))\b/],
  ['which-country', /\b(which|what) (country|countries|nation|nations)\b/],
  ['who', /\b(who|whos|whom|whose|(which|what) (group|groups|people|person|officials?))\b/],
  ['where', /\b(where|wheres|(which|what) (province|city|town|region|place|location|area))\b/],
  ['why', /\b(why|whys|what for|for what|what (is )?the (point|purpose|reason|goal|aim))\b/],
];
