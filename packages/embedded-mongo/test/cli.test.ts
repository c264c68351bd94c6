import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { externalServer } from '../src/testing.ts';

describe.skipIf(externalServer)('npm run db (cli.ts)', () => {
  it('prints a mongodb:// URI that the driver can use, and stops on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const child = spawn(process.execPath, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const uri = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', () => reject(new Error('cli exited before printing its URI')));
    });
    expect(uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    const client = new MongoClient(uri);
    try {
      await client.db('emb_cli').collection('x').insertOne({ a: 1 });
      expect(await client.db('emb_cli').collection('x').countDocuments()).toBe(1);
    } finally {
      await client.close();
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
