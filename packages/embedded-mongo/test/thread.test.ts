import { lstatSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../src/index.ts';
import { DataDirLockedError, startEmbeddedMongoThread } from '../src/thread.ts';
import { externalServer } from '../src/testing.ts';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'emb-thread-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const quiet = () => undefined;

async function withClient<T>(uri: string, use: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

describe.skipIf(externalServer)('the embedded server on a worker thread', () => {
  it('serves an owner-only socket, and keeps what it acknowledged across a close and a restart', async () => {
    const dataDir = join(await freshDir(), 'data');
    const socketPath = join(dataDir, 'mongod.sock');
    const first = await startEmbeddedMongoThread({ dataDir, socketPath, log: quiet });
    expect(first.uri).toBe(`mongodb://${encodeURIComponent(socketPath)}/`);
    expect(lstatSync(socketPath).mode & 0o777).toBe(0o600);
    await withClient(first.uri, (client) =>
      client
        .db('t')
        .collection('kept')
        .insertOne({ _id: 'a', n: 1 } as never),
    );
    await first.close();

    const second = await startEmbeddedMongoThread({ dataDir, socketPath, log: quiet });
    try {
      const found = await withClient(second.uri, (client) => client.db('t').collection('kept').findOne({}));
      expect(found).toEqual({ _id: 'a', n: 1 });
    } finally {
      await second.close();
    }
  });

  it('fails to start with DataDirLockedError, stack included, when a server in this process holds the directory', async () => {
    const dataDir = await freshDir();
    const holder = await startEmbeddedMongo({ dataDir, log: quiet });
    try {
      const started = startEmbeddedMongoThread({ dataDir, socketPath: join(dataDir, 'other.sock'), log: quiet });
      await expect(started).rejects.toBeInstanceOf(DataDirLockedError);
      const error = (await started.catch((e: unknown) => e)) as DataDirLockedError;
      expect(error.dataDir).toBe(dataDir);
      expect(error.message).toContain('already in use');
      expect(error.stack).toMatch(/^\s+at /m);
    } finally {
      await holder.close();
    }
  });

  it('refuses a second thread on a data directory a thread of this process serves', async () => {
    const dataDir = await freshDir();
    const first = await startEmbeddedMongoThread({ dataDir, socketPath: join(dataDir, 'a.sock'), log: quiet });
    try {
      const second = startEmbeddedMongoThread({ dataDir, socketPath: join(dataDir, 'b.sock'), log: quiet });
      await expect(second).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      await first.close();
    }
  });

  it('passes the server log on to the given sink', async () => {
    const lines: string[] = [];
    const longDir = join(await freshDir(), 'd'.repeat(120));
    const server = await startEmbeddedMongoThread({
      socketPath: join(longDir, 'mongod.sock'),
      log: (m) => lines.push(m),
    });
    await server.close();
    expect(lines.join('\n')).toMatch(/too long for a Unix socket/);
  });
});
