/**
 * Slack simulator for tests: a recording Web API with faults, response_url
 * endpoints, a Socket Mode server, signed-request sender and payload builders.
 *
 *   const sim = await SlackSim.start();
 *   sim.fault('chat.postMessage', { error: 'not_in_channel' }, 1);
 *   const calls = await sim.waitForCalls('chat.postMessage');
 */
export * as payloads from './payloads.js';
export { SlackSender, signBody, type SendOptions, type SendResult } from './sender.js';
export { type EnvelopeOptions, type EnvelopeType, type RecordedAck, SocketModeSim } from './socket-mode.js';
export { sleep, waitFor } from './wait.js';
export { type Fault, type RecordedCall, type RecordedResponse, RESPONSE_URL, SlackSim } from './web-api.js';
