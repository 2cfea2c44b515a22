/**
 * Preloaded (`--import`) into the app process by the reliability run: on an
 * IPC message `{ probe }`, run a full GC and answer with the heap in use.
 * Touches nothing else; needs `--expose-gc` and an IPC channel.
 */
const collect = (globalThis as { gc?: () => void }).gc;

if (typeof process.send === 'function') {
  process.on('message', (message: { probe?: unknown }) => {
    if (typeof message?.probe !== 'number') return;
    collect?.();
    collect?.();
    const { heapUsed, rss } = process.memoryUsage();
    process.send?.({ probe: message.probe, heapUsed, rss });
  });
  // The IPC channel must not keep a stopping app alive.
  process.channel?.unref();
}
