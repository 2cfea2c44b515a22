/**
 * Words that may come with small talk without changing what it is: "thanks mate", "hi bot",
 * "ok thanks so much". They are ignored when deciding whether a whole message is small talk.
 */
export const SMALL_TALK_FILLER: ReadonlySet<string> = new Set(
  'please mate buddy dude man guys friend friends pal amigo bot chatbot so very really just again too oh well um uh a lot much all'.split(' '),
);

/**
 * Greetings and thanks around an article question ("hey, what's this about?", "thanks! and when?"):
 * not part of what is asked, so they are not matched against article intents.
 */
export const COURTESIES: ReadonlySet<string> = new Set('hey hi hello hiya howdy yo heya greetings thanks thank thx cheers ty please sorry'.split(' '));
