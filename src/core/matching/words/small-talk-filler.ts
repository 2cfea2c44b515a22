/**
 * Words that may come with small talk without changing what it is: "thanks mate", "hi bot",
 * "ok thanks so much". They are ignored when deciding whether a whole message is small talk.
 */
export const SMALL_TALK_FILLER: ReadonlySet<string> = new Set(
  'please mate buddy dude man guys friend friends pal amigo bot chatbot so very really just again too oh well um uh a lot much all'.split(' '),
);
