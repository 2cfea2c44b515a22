import { confusablePairs } from '../core/confusable.js';
import { defaultPaths, loadContent } from '../core/content.js';
import { createEngine } from '../core/engine.js';
import { coverage } from '../core/intents.js';
import { formatContentProblem } from '../errors.js';
import { projectRoot } from '../project-root.js';

/** `npm run check`: validate intents against the article and report what to fix. Exit 1 on any error. */
function main(): number {
  const content = loadContent(defaultPaths(projectRoot), projectRoot);
  const out: string[] = [];
  const { article, intents, errors, warnings } = content;
  const articleIntents = intents.filter((i) => !i.chat);
  out.push(
    `Checked ${intents.length} intents (${articleIntents.length} article, ${intents.length - articleIntents.length} small talk), ${intents.reduce((n, i) => n + i.questions.length, 0)} example questions, against ${article.sentences.length} sentences.`,
  );

  out.push('', 'Coverage: which intents ground each sentence');
  const table = coverage(article, intents);
  const gaps: number[] = [];
  for (const s of article.sentences) {
    const ids = table.get(s.number) ?? [];
    if (ids.length === 0) gaps.push(s.number);
    out.push(`  ${String(s.number).padStart(2)} (¶${s.paragraph}) ${ids.length === 0 ? 'NOT GROUNDED by any intent' : ids.join(', ')}`);
  }
  if (gaps.length > 0) out.push(`  ${gaps.length} sentence(s) no intent grounds: ${gaps.join(', ')}`);

  let confusable = 0;
  if (errors.length === 0) {
    const engine = createEngine(content);
    const pairs = confusablePairs(engine.matcher);
    confusable = pairs.reduce((n, p) => n + p.questions.length, 0);
    out.push('', `Confusable example questions: ${confusable} match another intent (of another sentence) better than their own, with themselves left out`);
    if (pairs.length === 0) out.push('  none');
    for (const p of pairs.slice(0, 25)) out.push(`  ${p.intent} → ${p.matches}: ${p.questions.map((q) => `"${q}"`).join(', ')}`);
    if (confusable > 0) {
      out.push(
        '  They are not errors: the bot still works. But each one teaches the matcher that two facts are asked alike, which',
        '  costs "did you mean" prompts and risks wrong answers. Treat the count as a budget that only shrinks: reword or',
        '  delete an example so it asks about its own fact, or move it to the intent it really asks about.',
      );
    }
  }

  out.push('', `${errors.length} error(s), ${warnings.length} warning(s)`);
  for (const e of errors) out.push(`  error: ${formatContentProblem(e)}`);
  for (const w of warnings) out.push(`  warning: ${formatContentProblem(w)}`);
  const failed = errors.length > 0 || gaps.length > 0;
  out.push(
    '',
    failed
      ? `Verdict: FAIL: fix the ${errors.length} error(s)${gaps.length > 0 ? ` and ground sentence(s) ${gaps.join(', ')}` : ''} above; the bot refuses to start on this content.`
      : `Verdict: OK: the content is valid and grounds every sentence${warnings.length > 0 ? `; ${warnings.length} warning(s) to look at` : ''}${confusable > 0 ? `; ${confusable} confusable example question(s) to reduce` : ''}.`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return failed ? 1 : 0;
}

process.exitCode = main();
