import { seededRandom } from './random.js';

/**
 * Gibberish built to defeat caches, 1,000 characters each (the longest question the engine reads):
 * the benchmark times it and a test holds the heap flat under it.
 */
export type HostileKind = 'random letters' | 'new first characters' | 'mixed scripts' | 'invented 7-letter words';

export const HOSTILE_KINDS: readonly HostileKind[] = ['random letters', 'new first characters', 'mixed scripts', 'invented 7-letter words'];

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const SCRIPTS = ['abcdefghij', 'абвгдежзик', 'αβγδεζηθικ', 'אבגדהוזחטי', 'กขคงจฉชซญ', '一二三四五六七八九十', 'ابتثجحخدذر', '😀🙃🤖🔥✨'].map((s) => [...s]);

/** `count` hostile questions of one kind, the same on every run for a given seed. */
export function hostileQuestions(kind: HostileKind, count: number, seed = 7): string[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const word = (n: number): string => Array.from({ length: n }, () => pick([...LETTERS])).join('');
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let q: string;
    if (kind === 'random letters') q = Array.from({ length: 1_000 }, () => (rnd() < 0.15 ? ' ' : pick([...LETTERS]))).join('');
    // Every word starts with a character no earlier question used: a cache keyed by first letter never hits.
    else if (kind === 'new first characters')
      q = Array.from({ length: 140 }, (_, k) => `${String.fromCodePoint(0x4e00 + ((i * 140 + k) % 20_000))}${word(6)}`).join(' ');
    else if (kind === 'mixed scripts')
      q = Array.from({ length: 160 }, () => {
        const s = pick(SCRIPTS);
        return Array.from({ length: 5 }, () => pick(s)).join('');
      }).join(' ');
    else q = Array.from({ length: 130 }, () => word(7)).join(' ');
    out.push(q.slice(0, 1_000));
  }
  return out;
}
