import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Who is on the other end, for per-address limits. Behind `trustProxy`
 * reverse proxies, the address is taken from X-Forwarded-For: the entry that
 * many hops from the right (each proxy appends the address it saw). Without
 * it the header is ignored, since any client can write one.
 */
export function clientAddress(req: IncomingMessage, trustProxy: number): string {
  const peer = normalise(req.socket.remoteAddress ?? 'unknown');
  if (trustProxy <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  const picked = chain[Math.max(0, chain.length - 1 - trustProxy)] as string;
  return isIPv4(normalise(picked)) || isIPv6(normalise(picked)) ? normalise(picked) : peer;
}

/** `::ffff:1.2.3.4` is the IPv4 client 1.2.3.4. */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? (mapped[1] as string) : address;
}

/**
 * The key per-address limits count by: an IPv4 address as is, an IPv6
 * address by its /64, since one subscriber usually gets a whole /64 and can
 * pick any address in it.
 */
export function addressGroup(address: string): string {
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%')[0]?.split('::') ?? [];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:…, 64:ff9b::…) is two groups wide; it never reaches the first four.
  const width = right.reduce((n, part) => n + (part.includes('.') ? 2 : 1), 0);
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - width).fill('0'), ...right] : left;
  const prefix = groups.slice(0, 4).map((g) => (Number.parseInt(g, 16) || 0).toString(16));
  return `${prefix.join(':')}::/64`;
}
