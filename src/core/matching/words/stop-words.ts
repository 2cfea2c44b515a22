/**
 * Words that carry no fact a question could be about: function words, words about asking
 * ("tell", "wondering") and words about the text itself ("article", "paragraph").
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
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
