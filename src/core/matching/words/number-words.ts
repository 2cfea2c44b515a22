import { wordTable } from './table.js';

/** Number words the article (or a question) may spell out, read as digits on both sides. */
export const NUMBER_WORDS = wordTable({
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
  decade: '10',
  decades: '10',
});
