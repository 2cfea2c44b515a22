import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClient, realEngine, startWebChat, type RunningWebChat } from './helpers.js';

let chat: RunningWebChat;

beforeAll(async () => {
  chat = await startWebChat({ engine: realEngine() });
});
afterAll(() => chat.close());

describe('the web chat holds a conversation per connection', () => {
  it('reads a follow-up against the last answer on the same connection, and not on another', async () => {
    const one = await openClient(chat.port);
    one.send({ type: 'message', text: 'what did the pentagon announce?' });
    expect(await one.next()).toMatchObject({ kind: 'answer', source: { number: 8 } });
    one.send({ type: 'message', text: 'where was it?' });
    expect(await one.next()).toMatchObject({ kind: 'answer', source: { number: 8 } });

    const two = await openClient(chat.port);
    two.send({ type: 'message', text: 'where was it?' });
    expect((await two.next()).kind).not.toBe('answer');
    one.socket.close();
    two.socket.close();
  });

  it('takes a chip as a turn: a follow-up after it is read against the chosen answer', async () => {
    const client = await openClient(chat.port);
    client.send({ type: 'intent', intent: 'raid-announcement' });
    expect(await client.next()).toMatchObject({ kind: 'answer', source: { number: 8 } });
    client.send({ type: 'message', text: 'where was it?' });
    expect(await client.next()).toMatchObject({ kind: 'answer', source: { number: 8 } });
    client.socket.close();
  });

  it('answers a two-part question in one frame, each part with its own source', async () => {
    const client = await openClient(chat.port);
    client.send({ type: 'message', text: 'who announced the raid and how many died?' });
    const frame = await client.next();
    expect(frame.parts).toHaveLength(2);
    expect(frame.parts?.map((p) => p.source?.number)).toEqual([8, 8]);
    client.socket.close();
  });
});
