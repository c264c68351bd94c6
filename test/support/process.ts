/** The service as a child process, started the way `npm start` starts it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export interface StartOptions {
  /** What to run (default: this test runner's Node on src/main.ts). */
  command?: [string, ...string[]];
  /** In a process group of its own (so that the whole tree can be found and signalled). */
  detached?: boolean;
  timeoutMs?: number;
}

/** Starts the service; a process that is not listening within `timeoutMs` is killed, not left behind. */
export async function startServiceProcess(
  env: Record<string, string>,
  options: StartOptions = {},
): Promise<ServiceProcess> {
  const [command, ...args] = options.command ?? [process.execPath, 'src/main.ts'];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let timer: NodeJS.Timeout | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /service on (http:\/\/[^;\s]+);/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`service exited (${code}) before listening:\n${output}`)));
    timer = setTimeout(() => {
      if (options.detached) process.kill(-child.pid!, 'SIGKILL');
      else child.kill('SIGKILL');
      reject(new Error(`service not listening after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
  }).finally(() => clearTimeout(timer));
  return { child, url, output: () => output, exited };
}

/** Runs the service with a configuration it should refuse; resolves with its exit code and output. */
export async function runRefusedConfiguration(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, output };
}

/** Registers an afterAll that runs every cleanup added through the returned function, newest first. */
export function cleanupAfterAll(): (cleanup: () => Promise<unknown>) => void {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return (cleanup) => void cleanups.push(cleanup);
}

/** SIGKILLs the service if it is still running, and waits for it to be gone. */
export async function killIfRunning(service: ServiceProcess): Promise<void> {
  if (service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
}
