/** Names and addresses that only ever mean this machine. */
import { isIP } from 'node:net';

/** A bare host name or IP address (no port, no brackets): localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackAddress(name: string): boolean {
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (lower === 'localhost') return true;
  if (isIP(lower) === 4) return lower.startsWith('127.');
  return isIP(lower) === 6 && (lower === '::1' || lower === '0:0:0:0:0:0:0:1');
}

/** A Host header's value (an optional port; an IPv6 address in brackets) that names a loopback address. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  return isLoopbackAddress(host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, ''));
}
