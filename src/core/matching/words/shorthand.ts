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
  btwn: 'between', b4: 'before', w: 'with', wo: 'without', convo: 'conversation', ppl: 'people', rn: 'now',
  // Contractions typed without the apostrophe: the article's own "what's" folds to "what".
  whats: 'what', hows: 'how', wheres: 'where', whos: 'who', whens: 'when', whys: 'why', thats: 'that', theres: 'there',
  // Typos of short words, which spelling correction leaves alone (under four letters it would guess).
  teh: 'the', hte: 'the', adn: 'and', nad: 'and', waht: 'what', whta: 'what', taht: 'that', fo: 'of',
});
