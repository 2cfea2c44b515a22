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

export function splitWords(folded: string): string[] {
  return folded === '' ? [] : folded.split(' ');
}
