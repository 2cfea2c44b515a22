import { describe, expect, it } from 'vitest';
import { foldText } from '../../../src/core/matching/fold.js';
import { Normalizer } from '../../../src/core/matching/query.js';
import { stem } from '../../../src/core/matching/stem.js';

const n = new Normalizer({
  us: ['united states', 'u.s.', 'america', 'washington'],
  isis: ['isil', 'daesh', "da'esh", 'islamic state'],
  talks: ['negotiations', 'dialogue'],
});
/** A person's question through the query stage, with no spelling correction. */
const asked = (text: string, maxWords = 60): string[] => n.query(text, { maxWords, correct: () => (w) => w }).tokens.map((t) => t.token);

describe('folding text', () => {
  it('lowercases, strips diacritics, invisible characters and punctuation', () => {
    expect(foldText('Café\u200B — “Résumé”!')).toBe('cafe resume');
  });

  it('treats curly and straight apostrophes alike and drops possessives', () => {
    expect(foldText('Iraq’s forces')).toBe(foldText("Iraq's forces"));
    expect(foldText('the military’s mission')).toBe('the military mission');
  });

  it('joins dotted acronyms: U.S., U.S.A', () => {
    expect(foldText('the U.S. and the U.S.A')).toBe('the us and the usa');
  });
});

describe('normalising to tokens', () => {
  it('maps every way of naming the U.S. to one token, multi-word variants first', () => {
    for (const text of ['United States', 'U.S.', 'US', 'America', 'Washington’s']) expect(n.tokens(text)).toEqual(['us']);
  });

  it('maps ISIS aliases, including ones with apostrophes', () => {
    expect(n.tokens('Da’esh and the Islamic State and ISIL')).toEqual(['isis', 'isis', 'isis']);
  });

  it('drops stop words but keeps question words', () => {
    expect(n.tokens('When did the negotiations begin?')).toEqual(['when', 'talks', 'begin']);
  });

  it('reads texting shorthand as the words it stands for, in questions and content alike', () => {
    expect(n.tokens('wen did u n washington start negotiations abt isil')).toEqual(n.tokens('when did you and washington start negotiations about isil'));
    expect(asked('wat r the talks abt')).toEqual(['what', 'talks']);
  });

  it('reads a question as its content would be read', () => {
    for (const text of ['When did the negotiations begin?', 'ten years, four operatives', 'Da’esh and the Islamic State'])
      expect(asked(text)).toEqual(n.tokens(text));
  });

  it('drops framing that points into the text or asks for a summary', () => {
    const plain = n.tokens('what about the negotiations');
    for (const framed of [
      'In the third paragraph, what about the negotiations?',
      'tl;dr what about the negotiations',
      'bottom line: what about the negotiations, from a legal perspective',
    ])
      expect(n.tokens(framed)).toEqual(plain.concat(framed.includes('legal') ? ['legal'] : []));
  });

  it('treats words that name Object.prototype members as plain words', () => {
    expect(n.words('constructor __proto__ valueOf')).toEqual(['constructor', 'proto', 'valueof']);
    expect(stem('constructor')).toBe('constructor');
  });

  it('spells out small numbers as digits', () => {
    expect(n.tokens('ten years, four operatives')).toEqual(['10', 'year', '4', 'operativ']);
  });

  it('stops after maxWords words', () => {
    expect(asked('alpha beta gamma delta', 2)).toEqual(['alpha', 'beta']);
  });
});

describe('light stemming', () => {
  it('joins common inflections', () => {
    expect(stem('talks')).toBe(stem('talking'));
    expect(stem('announcement')).toBe(stem('announced'));
    expect(stem('committed')).toBe(stem('commitment'));
    expect(stem('capabilities')).toBe('capability');
    expect(stem('began')).toBe('begin');
  });

  it('leaves short words and numbers alone', () => {
    expect(stem('us')).toBe('us');
    expect(stem('2024')).toBe('2024');
  });
});
