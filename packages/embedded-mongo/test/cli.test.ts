import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { externalServer } from '../src/testing.ts';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

describe.skipIf(externalServer)('npm run db (cli.ts)', () => {
  it('prints a mongodb:// URI that the driver can use, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
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
    expect(stderr).toContain('listening on');
    expect(stderr).not.toContain('WARNING');
  });

  it('warns loudly when --host is not a loopback address', async () => {
    // 192.0.2.1 (TEST-NET-1) is nobody's address: the warning comes first, then a clean bind failure.
    const child = spawn(process.execPath, [cli, '--port', '0', '--host', '192.0.2.1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(stderr).toContain('WARNING: --host 192.0.2.1 is not a loopback address');
    expect(stderr).toContain('NO authentication');
    expect(stderr).toContain('cannot start:');
    expect(code).toBe(1);
  });
});
