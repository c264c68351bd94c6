/**
 * The configuration the change history reads: API_KEYS entries may name their key (`name@org:key`,
 * today's `org:key` still valid), and HISTORY_RETENTION_DAYS is a whole number of days (default 365).
 */
import { describe, expect, it } from 'vitest';
import { ApiKeys, fingerprintOf } from '../src/auth/credentials.ts';
import { ConfigError, loadConfig } from '../src/config.ts';

const headers = (key: string) => ({ get: (name: string) => (name === 'reb-apikey' ? key : undefined) });

describe('API_KEYS with key names', () => {
  it('takes named and unnamed entries side by side; the history names an unnamed key by its fingerprint', () => {
    const config = loadConfig({
      API_KEYS: 'ci-deploy@org-a:secret-a-123, org-b:secret-b-456,admin.ui@org-a:s=c:r+t/1',
    });
    const keys = new ApiKeys(config.apiKeys!);
    expect(keys.authenticate(headers('secret-a-123'))).toEqual({
      kind: 'valid',
      organizationId: 'org-a',
      apiKeyName: 'ci-deploy',
    });
    expect(keys.authenticate(headers('secret-b-456'))).toEqual({
      kind: 'valid',
      organizationId: 'org-b',
      apiKeyName: fingerprintOf('secret-b-456'),
    });
    // A key may hold ":" and "=": only the first ":" separates it.
    expect(keys.authenticate(headers('s=c:r+t/1'))).toMatchObject({ organizationId: 'org-a', apiKeyName: 'admin.ui' });
  });

  it.each([
    ['bad name@org-a:secret-a-123', /API_KEYS: expected comma-separated \[name@\]organizationId:key/],
    ['@org-a:secret-a-123', /API_KEYS: expected/],
    ['ci@:secret-a-123', /API_KEYS: expected/],
    ['ci@org-a:secret-a-123,ci@org-a:secret-a-456', /API_KEYS: organization org-a has two keys named ci/],
  ])('refuses %s', (value, message) => {
    expect(() => loadConfig({ API_KEYS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ API_KEYS: value })).toThrow(message);
  });

  it('lets two organizations use the same key name', () => {
    expect(loadConfig({ API_KEYS: 'ci@org-a:secret-a-123,ci@org-b:secret-b-456' }).apiKeys!.size).toBe(2);
  });
});

describe('HISTORY_RETENTION_DAYS', () => {
  it('defaults to 365 and takes whole days from 1 to 36500', () => {
    expect(loadConfig({}).historyRetentionDays).toBe(365);
    expect(loadConfig({ HISTORY_RETENTION_DAYS: '30' }).historyRetentionDays).toBe(30);
    for (const bad of ['0', '1.5', 'forever', '36501']) {
      expect(() => loadConfig({ HISTORY_RETENTION_DAYS: bad })).toThrow(/HISTORY_RETENTION_DAYS/);
    }
  });
});
