/**
 * Text normalisation shared by indexing and searching, so both sides of a
 * comparison are reduced the same way: case, quotes, diacritics, acronym
 * dots, possessives, aliases (data in intents/aliases.yaml), stop words and
 * light stemming.
 */

export type AliasTable = Readonly<Record<string, readonly string[]>>;

const STOP_WORDS = new Set(
  (
    'a an the of to in on for with by at from into onto about regarding re as than then so such ' +
    'is are was were be been being am do does did doing done has have had having get got gets ' +
    'it its itself this that these those there here their theirs they them he she his her him we our ours i me my mine ' +
    'and or but nor if also just really actually very quite yet still even ever again already ' +
    'can could would should shall may might must will wont cant dont doesnt didnt isnt arent wasnt ' +
    'please tell know wondering wonder say says said mention mentioned mentions article story text news report piece ' +
    'anything something thing things stuff any some all own same other s t um uh like kind sort ' +
    'whats wheres whos hows thats theres im ive id youre ' +
    // Words about the asking or the text, not the facts: "tl;dr", "from a security perspective".
    'tldr perspective standpoint viewpoint paragraph paragraphs sentence sentences passage'
  ).split(/\s+/),
);

// Pointers into the text ("in the third paragraph", "the final sentence") and summary requests
// ("tl;dr", "bottom line") frame a question without adding to it.
const FRAMING = /\b(?:(?:in|from) )?(?:the )?(?:first|second|third|fourth|fifth|last|final|opening|closing|next|previous|1st|2nd|3rd|4th|5th) (?:paragraph|sentence|section|passage|line|part)\b|\btl dr\b|\bbottom line\b/g;

/**
 * A word table read with user words as keys: a Map, so "constructor" or "__proto__" in a question
 * finds nothing instead of Object.prototype's members.
 */
function lookup(table: Record<string, string>): ReadonlyMap<string, string> {
  return new Map(Object.entries(table));
}

// Number words the article (or a question) may spell out.
const NUMBER_WORDS = lookup({
  one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', decade: '10', decades: '10',
});

// Chat and texting shorthand, read as the word it stands for ("wat r u", "abt", "wud"): English, not
// article content, so it lives here beside the stop words rather than in the alias table.
const SHORTHAND = lookup({
  u: 'you', ya: 'you', r: 'are', ur: 'your', y: 'why', n: 'and', b: 'be', c: 'see',
  wat: 'what', wut: 'what', wht: 'what', wen: 'when', wer: 'where', hw: 'how',
  abt: 'about', bout: 'about', wud: 'would', wd: 'would', cud: 'could', shud: 'should', wil: 'will',
  smth: 'something', sth: 'something', rite: 'right', yrs: 'years', yr: 'year', govt: 'government',
  bc: 'because', cuz: 'because', coz: 'because', tho: 'though', pls: 'please', plz: 'please',
  thx: 'thanks', thnx: 'thanks', tmrw: 'tomorrow', gonna: 'going', goin: 'going', wanna: 'want', gotta: 'got',
});

// Irregular forms that suffix stripping cannot join to their base.
const IRREGULAR = lookup({
  began: 'begin', begun: 'begin', begins: 'begin', beginning: 'begin', started: 'start',
  led: 'lead', leads: 'lead', fought: 'fight', went: 'go', gone: 'go', took: 'take', taken: 'take',
  dead: 'die', died: 'die', dies: 'die', death: 'die', deaths: 'die',
});

const ZERO_WIDTH_AND_BIDI = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]/g;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Lowercase, strip diacritics and invisible characters, fold quotes and acronym dots; keep words and digits. */
export function foldText(text: string): string {
  // Most text is plain ASCII, which has no diacritics, invisible characters or curly quotes to fold:
  // skipping those passes (and Unicode property classes) takes about a third off the cost of folding.
  const ascii = PRINTABLE_ASCII.test(text);
  const plain = ascii
    ? text.toLowerCase().replace(/`/g, "'")
    : text
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .replace(ZERO_WIDTH_AND_BIDI, '')
        .toLowerCase()
        .replace(/[‘’‛′`´]/g, "'")
        .replace(/[“”„″]/g, '"');
  return plain
    .replace(/\b(?:[a-z]\.){2,}(?:[a-z]\b)?|\b(?:[a-z]\.)+[a-z]\b/g, (m) => m.replace(/\./g, ''))
    .replace(/'s\b/g, '')
    .replace(/'/g, '')
    .replace(ascii ? /[^a-z0-9]+/g : /[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function splitWords(folded: string): string[] {
  return folded === '' ? [] : folded.split(' ');
}

/** Light, deterministic suffix stripping; enough to join talk/talks/talking, announce/announcement. */
export function stem(word: string): string {
  const irregular = IRREGULAR.get(word);
  if (irregular) return irregular;
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);

  for (const suffix of ['ments', 'ment', 'ations', 'ation', 'ings', 'ing', 'edly', 'ed', 'ly']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      if (suffix.startsWith('ation')) w += 'at';
      // committ -> commit, stopp -> stop; but keep ll/ss/zz (kill, process).
      if (/([^aeiouls z])\1$/.test(w)) w = w.slice(0, -1);
      break;
    }
  }
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

const CONTENT_CACHE_LIMIT = 20_000;

export interface WordOptions {
  /** Stop after this many words: bounds the work on a huge message. */
  maxWords?: number;
  correct?: (word: string) => string;
}

interface AliasPhrase {
  words: readonly string[];
  canonical: string;
}

export class Normalizer {
  private readonly phrasesByFirst = new Map<string, AliasPhrase[]>();
  private readonly canonicals = new Set<string>();
  private readonly cache = new Map<string, readonly string[]>();
  private readonly foldCache = new Map<string, string>();
  private readonly stems = new Map<string, string>();

  constructor(aliases: AliasTable = {}) {
    for (const [canonical, variants] of Object.entries(aliases)) {
      const canon = foldText(canonical).replace(/ /g, '');
      this.canonicals.add(canon);
      for (const variant of [canonical, ...variants]) {
        const words = splitWords(foldText(variant));
        const first = words[0];
        if (first === undefined) continue;
        const list = this.phrasesByFirst.get(first) ?? [];
        list.push({ words, canonical: canon });
        this.phrasesByFirst.set(first, list);
      }
    }
    // Longest phrase first, so "united states" wins over "united".
    for (const list of this.phrasesByFirst.values()) list.sort((a, b) => b.words.length - a.words.length);
  }

  /**
   * Words after folding and alias replacement, before stop words and stemming.
   * `correct` may replace a misspelt word before aliases are applied, so
   * "Amercia" can still become "us".
   */
  words(text: string, options: WordOptions = {}): readonly string[] {
    // Content is normalised by the validator and again by the index: remember it (questions from
    // people, which come with a spelling corrector, are never cached, so the cache stays bounded).
    const cacheable = options.correct === undefined && options.maxWords === undefined;
    const cached = cacheable ? this.cache.get(text) : undefined;
    if (cached) return cached;
    const out = this.computeWords(text, options);
    if (cacheable && this.cache.size < CONTENT_CACHE_LIMIT) this.cache.set(text, out);
    return out;
  }

  /** foldText, remembered for content (see `words`). */
  fold(text: string): string {
    const cached = this.foldCache.get(text);
    if (cached !== undefined) return cached;
    const folded = foldText(text);
    if (this.foldCache.size < CONTENT_CACHE_LIMIT) this.foldCache.set(text, folded);
    return folded;
  }

  private computeWords(text: string, options: WordOptions): string[] {
    const { maxWords = Number.POSITIVE_INFINITY, correct } = options;
    const expand = (w: string): string => SHORTHAND.get(w) ?? w;
    const unframed = (folded: string): string => folded.replace(FRAMING, ' ').replace(/ {2,}/g, ' ').trim();
    const raw = correct
      ? splitWords(unframed(foldText(text))).slice(0, maxWords * 2).map((w) => correct(expand(w)))
      : splitWords(unframed(this.fold(text))).map(expand);
    const out: string[] = [];
    for (let i = 0; i < raw.length && out.length < maxWords; ) {
      const word = raw[i] as string;
      const phrase = this.phrasesByFirst.get(word)?.find((p) => p.words.every((w, k) => raw[i + k] === w));
      if (phrase) {
        out.push(phrase.canonical);
        i += phrase.words.length;
      } else {
        out.push(NUMBER_WORDS.get(word) ?? word);
        i += 1;
      }
    }
    return out;
  }

  /** Content tokens: aliased, without stop words, stemmed. Canonical alias forms are never stemmed. */
  tokens(text: string, options: WordOptions = {}): string[] {
    const out: string[] = [];
    for (const word of this.words(text, options)) {
      const token = this.tokenOf(word);
      if (token !== undefined) out.push(token);
    }
    return out;
  }

  /** Content tokens with the word each came from (the word matters for how common it is in English). */
  analyze(text: string, options: WordOptions = {}): { token: string; word: string }[] {
    const out: { token: string; word: string }[] = [];
    for (const word of this.words(text, options)) {
      const token = this.tokenOf(word);
      if (token !== undefined) out.push({ token, word });
    }
    return out;
  }

  /** A word's token: canonical alias forms as they are, stop words none, the rest stemmed. */
  private tokenOf(word: string): string | undefined {
    if (this.canonicals.has(word)) return word;
    if (STOP_WORDS.has(word)) return undefined;
    // Stems are remembered: the same few thousand words recur across every example question.
    let stemmed = this.stems.get(word);
    if (stemmed === undefined) {
      stemmed = stem(word);
      if (this.stems.size < CONTENT_CACHE_LIMIT) this.stems.set(word, stemmed);
    }
    return stemmed;
  }

  isStopWord(word: string): boolean {
    return STOP_WORDS.has(word);
  }

  /** Every single word an alias table entry is made of, as folded text. */
  aliasWords(): string[] {
    const out = new Set<string>(this.canonicals);
    for (const list of this.phrasesByFirst.values()) for (const p of list) for (const w of p.words) out.add(w);
    return [...out];
  }
}
