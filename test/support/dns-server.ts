/**
 * A real DNS server on loopback UDP for domain-verification tests: it answers TXT queries from a table
 * the test fills, NXDOMAIN for any other name, SERVFAIL for names told to fail, and nothing at all for
 * names told to stay silent (a resolver's timeout).
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import dnsPacket from 'dns-packet';

export interface TestDnsServer {
  /** `127.0.0.1:port`, for DNS_SERVERS. */
  address: string;
  /** TXT values by name (lower-case); a name not here is NXDOMAIN. */
  txt: Map<string, string[]>;
  servfail: Set<string>;
  silent: Set<string>;
  /** Names asked for, in order. */
  asked: string[];
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;

export async function startDnsServer(): Promise<TestDnsServer> {
  const socket = createSocket('udp4');
  const server: Omit<TestDnsServer, 'address' | 'close'> = {
    txt: new Map(),
    servfail: new Set(),
    silent: new Set(),
    asked: [],
  };
  socket.on('message', (message, peer) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    server.asked.push(name);
    if (server.silent.has(name)) return;
    const values = server.txt.get(name);
    const rcode = server.servfail.has(name) ? RCODE.SERVFAIL : values ? RCODE.NOERROR : RCODE.NXDOMAIN;
    const answers: dnsPacket.Answer[] =
      rcode === RCODE.NOERROR && question.type === 'TXT'
        ? values!.map((value) => ({ type: 'TXT', name: question.name, ttl: 60, data: value }))
        : [];
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | rcode,
      questions: [question],
      answers,
    });
    socket.send(response, peer.port, peer.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  return {
    ...server,
    address: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
