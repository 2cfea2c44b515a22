import { IRREGULAR_FORMS } from './words/irregular-forms.js';

/** Light, deterministic suffix stripping; enough to join talk/talks/talking, announce/announcement. */
export function stem(word: string): string {
  const irregular = IRREGULAR_FORMS.get(word);
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
