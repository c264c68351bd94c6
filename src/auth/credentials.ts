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

type HeaderValue = string | string[] | undefined | null;
export interface Headers {
  get(name: string): HeaderValue;
}

/** What a request's credentials come to. */
export type Credential =
  { kind: 'none' } | { kind: 'valid'; organizationId: string } | { kind: 'invalid'; reason: string };

export const CREDENTIAL_REQUIRED = 'A valid API key is required in REB-APIKEY or Authorization: Bearer.';

export class ApiKeys {
  /** key → organizationId */
  private readonly keys: ReadonlyMap<string, string>;

  constructor(keys: ReadonlyMap<string, string>) {
    this.keys = keys;
  }

  /**
   * The organization a request's key belongs to. `REB-APIKEY` and `Authorization: Bearer` may both be
   * sent, but then they must name the same key.
   */
  authenticate(headers: Headers): Credential {
    const text = (value: HeaderValue) => (Array.isArray(value) ? value.join(', ') : (value ?? undefined));
    const apiKey = text(headers.get('reb-apikey'))?.trim() || undefined;
    const authorization = text(headers.get('authorization'))?.trim() || undefined;
    const bearer = authorization === undefined ? undefined : /^Bearer +(\S+)$/i.exec(authorization)?.[1];
    if (authorization !== undefined && bearer === undefined) {
      return { kind: 'invalid', reason: 'The Authorization header must be "Bearer <API key>".' };
    }
    if (apiKey !== undefined && bearer !== undefined && apiKey !== bearer) {
      return { kind: 'invalid', reason: 'REB-APIKEY and Authorization name different keys.' };
    }
    const key = apiKey ?? bearer;
    if (key === undefined) return { kind: 'none' };
    const organizationId = this.keys.get(key);
    return organizationId === undefined
      ? { kind: 'invalid', reason: 'The API key is not valid.' }
      : { kind: 'valid', organizationId };
  }
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
