import { describe, expect, it } from 'vitest';
import { countedEngine, countedVotes, createMetrics } from '../src/metrics.js';
import { NO_QUESTION_LOG } from '../src/store/question-log.js';
import { fixtureEngine } from './channels/web/helpers.js';

describe('countedVotes', () => {
  it('counts each vote cast by channel and vote, and still hands it to the log', async () => {
    const metrics = createMetrics();
    const cast: string[] = [];
    const log = countedVotes({ ...NO_QUESTION_LOG, feedback: (entry) => cast.push(entry.vote) }, metrics);
    log.feedback({ channel: 'web', key: 'a', vote: 'up', question: null, intent: 'talks-start' });
    log.feedback({ channel: 'web', key: 'a', vote: 'down', question: null, intent: 'talks-start' });
    expect(cast).toEqual(['up', 'down']);
    const text = (await metrics.render()).body;
    expect(text).toContain('isis_bot_feedback_votes_total{channel="web",vote="up"} 1');
    expect(text).toContain('isis_bot_feedback_votes_total{channel="web",vote="down"} 1');
  });
});

describe('countedEngine', () => {
  it('counts every question by channel and reply kind, and times it, without changing the reply', async () => {
    const metrics = createMetrics();
    const engine = fixtureEngine();
    const counted = countedEngine(engine, metrics, 'web');
    expect(counted.ask('when did the talks begin?')).toEqual(engine.ask('when did the talks begin?'));
    counted.ask('what is the weather?');
    counted.answerIntent('raid');
    expect(counted.answerIntent('no-such-intent')).toBeUndefined();
    expect(() => counted.ask('explode')).toThrow('engine blew up');
    expect(counted.version).toBe(engine.version);
    const text = (await metrics.render()).body;
    expect(text).toContain('isis_bot_questions_total{channel="web",kind="answer"} 2');
    expect(text).toContain('isis_bot_questions_total{channel="web",kind="no-match"} 1');
    expect(text).toContain('isis_bot_questions_total{channel="web",kind="error"} 1');
    expect(text).toContain('isis_bot_answer_seconds_count{channel="web"} 4');
  });

  it('keeps two apps in one process apart (one registry each)', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.countVote('slack', 'down');
    expect((await b.render()).body).not.toContain('vote="down"} 1');
  });

  it('bounds the Slack error codes it keeps apart', async () => {
    const metrics = createMetrics();
    for (let i = 0; i < 60; i += 1) metrics.countSlackError(`code_${i}`);
    const text = (await metrics.render()).body;
    expect(text).toContain('isis_bot_slack_api_errors_total{code="other"} 10');
  });
});

describe('the outbox gauges', () => {
  it('show the depth and how long the oldest unanswered entry has waited, 0 when there is none', async () => {
    const metrics = createMetrics();
    expect((await metrics.render()).body).toContain('isis_bot_outbox_depth 0');
    metrics.setOutboxDepth({ pending: 7, oldest: new Date(Date.now() - 90_000).toISOString() });
    const text = (await metrics.render()).body;
    expect(text).toContain('isis_bot_outbox_depth 7');
    const age = Number(/^isis_bot_outbox_oldest_age_seconds (\S+)$/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(100);
  });
});
