import { join } from 'node:path';

/**
 * The peer servers, by name: each a script that runs as its own process, reads MONGODB_URI, MONGODB_DB,
 * API_KEYS and PORT, and prints `listening <port>`.
 */
export const PEER_SCRIPTS = {
  mercurius: join(import.meta.dirname, 'mercurius.ts'),
  apollo: join(import.meta.dirname, 'apollo.ts'),
} as const;

export type PeerName = keyof typeof PEER_SCRIPTS;

export function isPeerName(name: string): name is PeerName {
  return Object.hasOwn(PEER_SCRIPTS, name);
}
