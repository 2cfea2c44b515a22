/**
 * A word table read with user words as keys: a Map, so "constructor" or "__proto__" in a question
 * finds nothing instead of Object.prototype's members.
 */
export function wordTable(table: Record<string, string>): ReadonlyMap<string, string> {
  return new Map(Object.entries(table));
}
