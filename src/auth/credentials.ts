/**
 * API keys: each belongs to exactly one organization. Keys arrive in `REB-APIKEY` or
 * `Authorization: Bearer`. Without configured keys, a development key for organization `default`
 * is made once and kept in the data directory, so it stays the same across restarts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const DEVELOPMENT_ORGANIZATION = 'default';
const DEVELOPMENT_KEY_FILE = 'development-api-key';

export class ApiKeys {
  /** key → organizationId */
  constructor(private readonly keys: ReadonlyMap<string, string>) {}

  organizationOf(key: string | undefined): string | undefined {
    return key === undefined ? undefined : this.keys.get(key);
  }
}

type HeaderValue = string | string[] | undefined | null;

/** The key a request presents, if any: `REB-APIKEY` first, then `Authorization: Bearer`. */
export function presentedKey(headers: { get(name: string): HeaderValue }): string | undefined {
  const first = (value: HeaderValue) => (Array.isArray(value) ? value[0] : (value ?? undefined));
  const apiKey = first(headers.get('reb-apikey'))?.trim();
  if (apiKey) return apiKey;
  const authorization = first(headers.get('authorization'));
  const match = authorization && /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1] : undefined;
}

/** Reads the development key from `dataDir`, making it on first use. */
export async function developmentKey(dataDir: string): Promise<string> {
  const file = path.join(dataDir, DEVELOPMENT_KEY_FILE);
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 16) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = `dev_${randomBytes(24).toString('base64url')}`;
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}
