import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../src/index.ts';
import type { EmbeddedMongo } from '../src/index.ts';
import { externalServer } from '../src/testing.ts';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'emb-sock-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const modeOf = (path: string) => lstatSync(path).mode & 0o777;
const quiet = () => undefined;

async function roundTrip(server: EmbeddedMongo): Promise<void> {
  const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const c = client.db('emb_sock').collection('x');
    await c.insertOne({ a: 1 });
    expect(await c.countDocuments()).toBeGreaterThan(0);
  } finally {
    await client.close();
  }
}

/** A socket file nobody listens on, as a server killed with SIGKILL leaves it. */
async function staleSocket(path: string): Promise<void> {
  const listen = `require('net').createServer().listen(${JSON.stringify(path)}`;
  const script = `${listen}, () => process.kill(process.pid, 'SIGKILL'))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  await once(child, 'exit');
  expect(lstatSync(path).isSocket()).toBe(true);
}

describe.skipIf(externalServer)('the embedded server on a Unix socket', () => {
  it('listens on an owner-only socket in an owner-only data directory, reachable by the driver', async () => {
    const dataDir = join(await freshDir(), 'data');
    const socketPath = join(dataDir, 'mongod.sock');
    const server = await startEmbeddedMongo({ dataDir, socketPath, log: quiet });
    try {
      expect(server.uri).toBe(`mongodb://${encodeURIComponent(socketPath)}/`);
      expect(server.port).toBe(0);
      expect(lstatSync(socketPath).isSocket()).toBe(true);
      expect(modeOf(socketPath)).toBe(0o600);
      expect(modeOf(dataDir)).toBe(0o700);
      await roundTrip(server);
    } finally {
      await server.close();
    }
    expect(existsSync(socketPath)).toBe(false);
  });

  it('starts over a socket file left by a killed server, and refuses one a live server uses', async () => {
    const dataDir = await freshDir();
    const socketPath = join(dataDir, 'mongod.sock');
    await staleSocket(socketPath);
    const server = await startEmbeddedMongo({ dataDir, socketPath, log: quiet });
    try {
      await roundTrip(server);
      await expect(startEmbeddedMongo({ socketPath, log: quiet })).rejects.toThrow(/another server is listening/);
    } finally {
      await server.close();
    }
  });

  it('falls back to a private directory under the temporary directory when DATA_DIR is too long', async () => {
    const dataDir = join(await freshDir(), 'a-rather-long-directory-name'.repeat(4), 'data');
    const wanted = join(dataDir, 'mongod.sock');
    expect(Buffer.byteLength(wanted)).toBeGreaterThan(107);
    const messages: string[] = [];
    const server = await startEmbeddedMongo({ dataDir, socketPath: wanted, log: (m) => messages.push(m) });
    const fallbackDir = dirname(server.socketPath!);
    try {
      expect(fallbackDir.startsWith(tmpdir())).toBe(true);
      expect(modeOf(fallbackDir)).toBe(0o700);
      expect(modeOf(server.socketPath!)).toBe(0o600);
      expect(messages.join('\n')).toContain('too long for a Unix socket');
      await roundTrip(server);
    } finally {
      await server.close();
    }
    expect(existsSync(fallbackDir)).toBe(false);
  });
});

describe.skipIf(externalServer)('files in the data directory', () => {
  it('creates the directory, journal, snapshot and lock owner-only', async () => {
    const dataDir = join(await freshDir(), 'data');
    const first = await startEmbeddedMongo({ dataDir, compactThresholdBytes: 1, log: quiet });
    await roundTrip(first);
    await first.close();
    const second = await startEmbeddedMongo({ dataDir, compactThresholdBytes: 1, log: quiet });
    try {
      await roundTrip(second);
      const names = readdirSync(dataDir);
      expect(names).toEqual(
        expect.arrayContaining([
          'mongod.lock',
          expect.stringMatching(/^journal-\d+\.log$/),
          expect.stringMatching(/^snapshot-\d+\.bson$/),
        ]),
      );
      expect(modeOf(dataDir)).toBe(0o700);
      for (const name of names) expect([name, modeOf(join(dataDir, name))]).toEqual([name, 0o600]);
    } finally {
      await second.close();
    }
  });

  it('makes an existing data directory open to others owner-only, and an old journal file too', async () => {
    const dataDir = join(await freshDir(), 'data');
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    await writeFile(join(dataDir, 'journal-0.log'), '', { mode: 0o644 });
    const messages: string[] = [];
    const server = await startEmbeddedMongo({ dataDir, log: (m) => messages.push(m) });
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, 'journal-0.log'))).toBe(0o600);
      expect(messages.join('\n')).toMatch(/made it owner-only/);
    } finally {
      await server.close();
    }
  });
});
