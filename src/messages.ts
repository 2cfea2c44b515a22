/**
 * User-facing texts, in one place so every channel says the same thing and a
 * writer can change the wording without touching code.
 */
export const MESSAGES = {
  empty: 'Ask me a question about the article, for example: "When did the U.S.–Iraq talks begin?"',
  tooLong: 'That message is too long for me to read as a question. Please ask one short question about the article.',
  notCovered:
    "The article doesn't say. It covers the planned transition of the anti-ISIS military mission in Iraq to a U.S.–Iraq bilateral defense partnership.",
  offTopic:
    "I can only answer what this article says, and that isn't in it. The article is about the planned transition of the anti-ISIS military mission in Iraq to a U.S.–Iraq bilateral defense partnership.",
  noReason: "The article doesn't say why.",
  nothingMore: "That's all the article says about that. You could ask about another part of it:",
  unsure: "I'm not sure which part of the article you mean. Did you mean one of these?",
  tryAsking: 'You could ask:',
  internalError: 'Sorry, something went wrong on my side while answering. Please try again in a moment.',
  sourceLabel: (n: number, total: number): string => `sentence ${n} of ${total}`,
  about: (title: string, sentences: number): string =>
    `I answer questions about one news article: "${title}". ` +
    `Every answer is drawn from the article alone and quotes the sentence it stands on (the article has ${sentences} sentences). ` +
    "When the article doesn't cover a question, I say so instead of guessing.",
  help:
    'Ask me anything about the article on the U.S. plan to turn the anti-ISIS mission in Iraq into a bilateral defense partnership. ' +
    'I answer with the sentence from the article that supports the answer.',
  /** Web chat only: replies to frames the page should never send, and page status lines. */
  web: {
    binaryFrame: 'I can only read text. Please type your question.',
    invalidJson: "I couldn't read that message (it was not valid JSON). Please type your question again.",
    invalidMessage: 'I expected a question. Please type your question about the article.',
    textNotString: 'The question must be text. Please type your question about the article.',
    unknownIntent: "I don't know that suggestion. Please type your question instead.",
    unknownReply: "I can't find that answer any more, so I couldn't record your vote. Thanks all the same!",
    invalidFeedback: 'A vote must be "up" or "down" for one of my answers.',
    feedbackThanks: 'Thanks for the feedback!',
    rateLimited: "You're sending messages faster than I can answer. Please wait a moment, then ask again.",
    busy: "You've asked a lot in a short time, so I'm taking a short pause. Please ask again in a few seconds.",
    restarting: 'The server is restarting, so I could not answer that. The page reconnects by itself; please ask again in a moment.',
    connecting: 'Connecting…',
    connected: 'Connected',
    offline: 'Not connected; reconnecting… Your question is kept in the box.',
    relatedLabel: 'Related questions:',
    welcome: 'Hi! Ask me anything about the article. Every answer quotes the sentence it stands on.',
    feedbackUp: 'Helpful',
    feedbackDown: 'Not helpful',
  },
} as const;
