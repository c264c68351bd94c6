/** The child processes a benchmark starts (Node scripts on this Node), and what it reads of them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Node scripts started as children with stdout piped (their first lines announce them), killed together at the end. */
export class ChildProcesses {
  private readonly running = new Set<ChildProcess>();

  start(
    script: string,
    childEnv: Record<string, string | undefined>,
    options: { args?: string[]; nodeArgs?: string[] } = {},
  ): ChildProcess {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
      env: { ...process.env, ...childEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.running.add(child);
    child.on('exit', () => this.running.delete(child));
    return child;
  }

  /** SIGKILL to every child still running: the benchmark is ending, or was interrupted. */
  killAll(): void {
    for (const child of this.running) child.kill('SIGKILL');
  }
}

/** The first stdout line of a child that matches `pattern`. */
export function firstLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = pattern.exec(line);
      if (match) {
        lines.close();
        child.stdout!.resume();
        resolve(match);
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing ${pattern}`)));
  });
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the child has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Resolves once `url`/readyz answers 200 (within a minute). */
export async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; NaN where there is none. */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
