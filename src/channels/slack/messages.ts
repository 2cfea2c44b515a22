/** Slack-only user texts; the shared ones live in src/messages.ts. */
export const SLACK_MESSAGES = {
  askedBy: (user: string, question: string): string => `<@${user}> asked: ${question}`,
  youAsked: (question: string): string => `You asked: ${question}`,
  showContext: 'Show context',
  shareInChannel: 'Share in channel',
  helpful: '👍 Helpful',
  notHelpful: '👎 Not helpful',
  related: 'Related questions:',
  feedbackThanks: (vote: 'up' | 'down'): string =>
    vote === 'up' ? 'Thanks for the feedback 👍' : "Thanks for the feedback 👎 — I'll pass it on so the answer can be improved.",
  contextHeading: (paragraph: number, paragraphs: number): string => `From paragraph ${paragraph} of ${paragraphs}:`,
  contextMissing: "Sorry, I can't find that part of the article any more.",
  howToAsk: 'Ask a question after the command, e.g. `/isis-mission When did the talks begin?` — or mention me in a channel, or message me directly.',
  tryTheseQuestions: 'Try one of these:',
  homeTitle: 'Questions about the article, answered from the article',
  homeWays:
    'Ask in the *Messages* tab here, mention me in a channel (`@isis-mission your question`), or use `/isis-mission your question` anywhere. ' +
    'Click a question below and I will answer it in our direct messages.',
  shareFailed: "Sorry, I couldn't share that answer in this channel. You can copy it instead.",
} as const;
