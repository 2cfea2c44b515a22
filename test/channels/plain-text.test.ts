import { describe, expect, it } from 'vitest';
import { plainText } from '../../src/channels/plain-text.js';
import { fixtureEngine } from '../support/content-fixture.js';

const engine = fixtureEngine();
const total = engine.article.sentences.length;

describe('a reply as plain text (what a channel sends where nothing richer exists)', () => {
  it('an answer: the answer, then its quoted sentence with "sentence N of total"', () => {
    expect(plainText(engine.ask('Where will the new plant open?'), total)).toBe(
      'Alpha Corp will open the plant in Springfield.\n\n“Alpha Corp will open a new plant in Springfield next spring.” (sentence 1 of 4)',
    );
  });

  it('no answer: why, then example questions as bullets', () => {
    const text = plainText(engine.ask('who is the mayor of springfield?'), total);
    expect(text).toMatch(/^The article doesn't say who leads Springfield\.\nYou could ask:\n• /);
  });

  it('a question of several parts: each part in turn', () => {
    const reply = engine.ask('where will the plant open and how many people will it employ?');
    expect(reply.parts).toHaveLength(2);
    expect(plainText(reply, total).split('\n\n“')).toHaveLength(3);
  });
});
