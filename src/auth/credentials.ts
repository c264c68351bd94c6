/**
 * API keys: each belongs to exactly one organization and has a non-secret name, which the change history
 * records as who wrote (the key itself never). Keys arrive in `REB-APIKEY` or `Authorization: Bearer`.
 * Without configured keys, a development key for organization `default` is made once and kept in the
 * data directory, so it stays the same across restarts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const DEVELOPMENT_ORGANIZATION = 'default';
/** The development key's name in the change history. */
export const DEVELOPMENT_KEY_NAME = 'development';
const DEVELOPMENT_KEY_FILE = 'development-api-key';

type HeaderValue = string | string[] | undefined | null;
export interface Headers {
  get(name: string): HeaderValue;
}

/** What a request's credentials come to. */
export type Credential =
  | { kind: 'none' }
  | { kind: 'valid'; organizationId: string; apiKeyName: string }
  | { kind: 'invalid'; reason: string };

/** Whose a key is, and its name (absent: the history names it by its fingerprint). */
export interface KeyOwner {
  organizationId: string;
  name?: string;
}

/** A name for an unnamed key that does not reveal it: `key-` and the start of its SHA-256. */
export function fingerprintOf(key: string): string {
  return `key-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

export const CREDENTIAL_REQUIRED = 'A valid API key is required in REB-APIKEY or Authorization: Bearer.';

export class ApiKeys {
  /** key → its organization and name */
  private readonly keys: ReadonlyMap<string, { organizationId: string; apiKeyName: string }>;

  /** key → its organization (a bare organizationId: an unnamed key). */
  constructor(keys: ReadonlyMap<string, string | KeyOwner>) {
    this.keys = new Map(
      [...keys].map(([key, owner]) => {
        const { organizationId, name } = typeof owner === 'string' ? { organizationId: owner } : owner;
        return [key, { organizationId, apiKeyName: name ?? fingerprintOf(key) }];
      }),
    );
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
    const owner = this.keys.get(key);
    return owner === undefined ? { kind: 'invalid', reason: 'The API key is not valid.' } : { kind: 'valid', ...owner };
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
