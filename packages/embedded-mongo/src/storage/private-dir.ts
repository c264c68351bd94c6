/**
 * The data directory holds every tenant's data (and, for the service, the socket clients connect
 * through), so it is owner-only: created 0700, and an existing one open to others is tightened.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';

export function ensurePrivateDir(dir: string, log: (message: string) => void): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  try {
    chmodSync(dir, 0o700);
  } catch (e) {
    throw new Error(
      `data directory ${dir} is open to other users (mode ${mode.toString(8)}) and cannot be made owner-only: ` +
        (e instanceof Error ? e.message : String(e)),
    );
  }
  log(`data directory ${dir} was open to other users (mode ${mode.toString(8)}); made it owner-only (700)`);
}
