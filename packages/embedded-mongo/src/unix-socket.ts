/**
 * Where the server's Unix socket goes. A socket path must fit `sun_path` (108 bytes on Linux, 104 on
 * macOS, with the terminating NUL); a longer one is replaced by `mongod.sock` in a fresh owner-only
 * directory under the system's temporary directory. A socket file left by a killed server is removed.
 */
import { connect } from 'node:net';
import { lstatSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

export interface SocketPlace {
  path: string;
  /** Removes the fallback directory, if one was made (the server removes the socket itself). */
  cleanup(): void;
}

const fits = (path: string) => Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES;

export function placeSocket(wanted: string, log: (message: string) => void): SocketPlace {
  const path = resolve(wanted);
  // The driver tells a socket from a host name by this suffix.
  if (!path.endsWith('.sock')) throw new Error(`a socket path must end in .sock, got ${path}`);
  if (fits(path)) return { path, cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'embedded-mongo-'));
  const fallback = join(dir, 'mongod.sock');
  if (!fits(fallback)) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `the socket path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes, and so is the fallback ${fallback}: ` +
        'use a shorter data directory or TMPDIR',
    );
  }
  log(`${path} is too long for a Unix socket: listening on ${fallback} (a new owner-only directory) instead`);
  return { path: fallback, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Removes a socket file nobody listens on; refuses a live one or a file that is not a socket. */
export async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket: refusing to replace it`);
  const live = await new Promise<boolean>((done) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      done(true);
    });
    probe.once('error', () => done(false));
  });
  if (live) throw new Error(`another server is listening on ${path}`);
  unlinkSync(path);
}
