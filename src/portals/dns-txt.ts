/**
 * TXT lookups for custom-domain verification, through a resolver of our own (DNS_SERVERS) rather than
 * the process-wide one, with a bounded wait: a DNS server that never answers costs `timeoutMs × tries`
 * at most.
 */
import { Resolver } from 'node:dns/promises';

/** What a name holds: its TXT values (each record's strings joined), or nothing (NXDOMAIN, no TXT). */
export type TxtAnswer = { found: true; values: string[] } | { found: false };

/** Resolves a name's TXT records; rejects with DnsLookupError when DNS does not answer. */
export type TxtLookup = (name: string) => Promise<TxtAnswer>;

export interface DnsSettings {
  /** `ip` or `ip:port` (`[ipv6]:port`); empty: the system's resolvers. */
  servers: string[];
  /** How long one attempt waits for an answer. */
  timeoutMs: number;
  tries: number;
}

export const DEFAULT_DNS_SETTINGS: DnsSettings = { servers: [], timeoutMs: 5000, tries: 2 };

/** DNS gave no answer (timeout, SERVFAIL, refused): nothing can be concluded about the name. */
export class DnsLookupError extends Error {
  readonly code: string | undefined;

  constructor(name: string, code: string | undefined, options?: { cause?: unknown }) {
    super(`DNS lookup of ${name} failed${code ? ` (${code})` : ''}`, options);
    this.code = code;
    this.name = 'DnsLookupError';
  }
}

/** Answers that say the name has no TXT record, as opposed to DNS not answering. */
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA']);

export function txtLookup(settings: DnsSettings = DEFAULT_DNS_SETTINGS): TxtLookup {
  const resolver = new Resolver({ timeout: settings.timeoutMs, tries: settings.tries });
  if (settings.servers.length > 0) resolver.setServers(settings.servers);
  return async (name) => {
    try {
      const records = await resolver.resolveTxt(name);
      return { found: true, values: records.map((strings) => strings.join('')) };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code && NO_RECORD.has(code)) return { found: false };
      throw new DnsLookupError(name, code, { cause: error });
    }
  };
}
