/**
 * Messages that ask the bot for an opinion, a judgement, advice or a task ("is this good news?",
 * "should the US stay?", "how do I join the army?", "write me a poem"). The article reports; it takes
 * no side, gives no advice and does no chores, so such a message is out of scope however many of its
 * words the article uses. Matched on the words as meant (folded, shorthand expanded), joined by spaces.
 */
export const STANCE_PATTERNS: readonly RegExp[] = [
  // "do you think ISIS will return?" asks a view; "how many were killed, do you think" only sounds like it.
  /\b(do|does|did) you (think|believe|reckon|feel|agree|support|like|prefer|recommend) \S/,
  /\b(what|how) do you (think|feel|reckon)\b/,
  /\b(your|ur) (opinion|opinions|view|views|take|thoughts|position|stance|verdict|prediction)\b/,
  /\bin (your|my) (opinion|view)\b/,
  /^(should|shouldnt|ought)\b(?! (i|we) expect)/,
  /\b(should|shouldnt|ought to) (we|i|the us|us|america|iraq|they|he|she|the coalition|biden|trump|people)\b(?! expect)/,
  // "is that right?" checks a fact; "is that a good idea?" asks for a judgement.
  /\bis (this|that|it|the (deal|plan|move|transition|agreement|partnership)) (a )?(good|bad|great|terrible|smart|wise|dumb|stupid|fair|unfair)( (news|idea|thing|move|decision|deal|sign))?$/,
  /\b(is|are) (this|that|it|these) (good|bad|great|terrible) (news|idea|thing|move|decision|deal)\b/,
  /\bhow (do|can|could|should) i (join|enlist|apply|become|get|buy|invest|donate|volunteer|travel|move|contact|sign up|make money|protect|prepare)\b/,
  /\b(who|which side)( is| was)? right\b/,
  // Chores: "write me a poem", "draft an email", "fix my code". Summaries of the article are not chores.
  /^(please )?(can you |could you )?(write|draft|compose|fix|solve|translate|code|generate|create|debug|calculate|compute)( me)? (a|an|my|this|the|some|x)\b/,
  /\b(are you|r you) (for|against|happy|worried|scared)\b/,
];

export function asksForAStance(words: string): boolean {
  return STANCE_PATTERNS.some((p) => p.test(words));
}
