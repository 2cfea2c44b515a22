import { wordTable } from './table.js';

/**
 * Chat and texting shorthand, read as the word it stands for ("wat r u", "abt", "wud"): English, not
 * article content, so it lives here rather than in the alias table.
 */
export const SHORTHAND = wordTable({
  u: 'you', ya: 'you', r: 'are', ur: 'your', y: 'why', n: 'and', b: 'be', c: 'see',
  wat: 'what', wut: 'what', wht: 'what', wen: 'when', wer: 'where', hw: 'how',
  abt: 'about', bout: 'about', wud: 'would', wd: 'would', cud: 'could', shud: 'should', wil: 'will',
  smth: 'something', sth: 'something', rite: 'right', yrs: 'years', yr: 'year', govt: 'government',
  bc: 'because', cuz: 'because', coz: 'because', tho: 'though', pls: 'please', plz: 'please',
  thx: 'thanks', thnx: 'thanks', tmrw: 'tomorrow', gonna: 'going', goin: 'going', wanna: 'want', gotta: 'got',
});
