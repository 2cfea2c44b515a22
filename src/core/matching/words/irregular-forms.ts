import { wordTable } from './table.js';

/** Irregular forms that suffix stripping cannot join to their base. */
export const IRREGULAR_FORMS = wordTable({
  began: 'begin',
  begun: 'begin',
  begins: 'begin',
  beginning: 'begin',
  started: 'start',
  led: 'lead',
  leads: 'lead',
  fought: 'fight',
  went: 'go',
  gone: 'go',
  took: 'take',
  taken: 'take',
  dead: 'die',
  died: 'die',
  dies: 'die',
  death: 'die',
  deaths: 'die',
});
