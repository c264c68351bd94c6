/**
 * What both peer servers share below GraphQL: the database connection and our own portal use cases
 * (PortalService over PortalStore), so that a peer validates, fills defaults and writes exactly as the
 * service does; and the API keys, read from API_KEYS in the service's `[name@]organizationId:key` format.
 *
 * Environment: MONGODB_URI, MONGODB_DB, API_KEYS.
 */
import { MongoClient } from 'mongodb';
import { ApiKeys, type KeyOwner } from '../../src/auth/credentials.ts';
import { PortalCache } from '../../src/portals/mongo/portal-cache.ts';
import { PortalStore } from '../../src/portals/mongo/store.ts';
import { PortalService } from '../../src/portals/service.ts';

export interface PeerBackend {
  portals: PortalService;
  apiKeys: ApiKeys;
  close(): Promise<void>;
}

/** API_KEYS entries `organizationId:key` or `name@organizationId:key`. */
export function parseApiKeys(text: string): Map<string, KeyOwner> {
  const keys = new Map<string, KeyOwner>();
  for (const entry of text.split(',').map((part) => part.trim())) {
    const separator = entry.indexOf(':');
    if (separator <= 0) continue;
    const owner = entry.slice(0, separator);
    const at = owner.indexOf('@');
    const organizationId = owner.slice(at + 1);
    keys.set(entry.slice(separator + 1), at < 0 ? { organizationId } : { organizationId, name: owner.slice(0, at) });
  }
  return keys;
}

export async function openBackend(appName: string): Promise<PeerBackend> {
  const client = new MongoClient(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/', { appName });
  await client.connect();
  const store = PortalStore.fromDb(client.db(process.env.MONGODB_DB ?? 'billing'), new PortalCache());
  await store.ensureIndexes();
  return {
    portals: new PortalService(store),
    apiKeys: new ApiKeys(parseApiKeys(process.env.API_KEYS ?? '')),
    close: () => client.close(),
  };
}
