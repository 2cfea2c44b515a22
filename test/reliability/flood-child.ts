/**
 * The web-chat flood of scenario 14, in a process of its own (`npm run
 * reliability` forks it), as an attacker would be: its own CPU work does not
 * slow down the process that measures Slack's acks.
 *
 *   node flood-child.js PORT CLIENTS DEPTH   then IPC 'stop' → replies with the counts
 */
import { startFlood } from './service-scenarios.js';

const [port, clients, depth] = process.argv.slice(2).map(Number) as [number, number, number];
const flood = await startFlood(port, clients, depth);
process.on('message', () => {
  void flood.stop().then(() => {
    process.send?.(flood.stats, () => process.exit(0));
  });
});
process.send?.('ready');
