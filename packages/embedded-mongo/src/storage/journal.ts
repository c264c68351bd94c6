/**
 * Durable storage: snapshot + append-only journal, both made of framed records
 * `[length uint32][crc32 uint32][BSON payload]`.
 *
 * Files in the data directory, per generation G: `snapshot-G.bson` (the full state, written to a temp
 * file, fsynced, renamed atomically, directory fsynced) and `journal-G.log` (changes after it).
 * Start-up loads the newest snapshot S and replays every journal with generation ≥ S in order;
 * replaying a record is idempotent, so a crash at any point of a compaction is harmless. A torn or
 * corrupt tail is logged and cut off.
 *
 * Group commit: `append` queues a record, `sync` resolves once it is on disk; records queued while
 * an fsync is in flight go out together in the next write + fdatasync.
 */
import { BSON } from 'bson';
import type { Document } from 'bson';
import { closeSync, openSync, fsyncSync, readdirSync, readFileSync, truncateSync, unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { lockDataDir } from './lock.ts';
import { ensurePrivateDir } from './private-dir.ts';

const FRAME_HEADER = 8;
/** Journal and snapshot files: owner-only, they hold every tenant's data. */
const FILE_MODE = 0o600;

export interface JournalOptions {
  /** Compact once the journal exceeds this many bytes and twice the last snapshot's size. */
  compactThresholdBytes?: number;
  log?: (message: string) => void;
}

export interface JournalSource {
  applyRecord(record: Document): void;
  /** Called around a start-up replay (so that indexes can be built once at the end). */
  beginRestore?(): void;
  endRestore?(): void;
  snapshotRecords(): Iterable<Document>;
}

export function frameRecord(record: Document): Buffer {
  const payload = BSON.serialize(record);
  const out = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, FRAME_HEADER);
  return out;
}

/** Reads framed records; returns the byte length of the valid prefix. */
export function readRecords(buf: Buffer, onRecord: (r: Document) => void): { validLength: number; torn: boolean } {
  let off = 0;
  while (off < buf.length) {
    if (off + FRAME_HEADER > buf.length) return { validLength: off, torn: true };
    const len = buf.readUInt32LE(off);
    const sum = buf.readUInt32LE(off + 4);
    const end = off + FRAME_HEADER + len;
    if (end > buf.length) return { validLength: off, torn: true };
    const payload = buf.subarray(off + FRAME_HEADER, end);
    if (crc32(payload) !== sum) return { validLength: off, torn: true };
    onRecord(BSON.deserialize(payload));
    off = end;
  }
  return { validLength: off, torn: false };
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const SNAPSHOT_RE = /^snapshot-(\d+)\.bson$/;
const JOURNAL_RE = /^journal-(\d+)\.log$/;

export class Journal {
  private fd: FileHandle | undefined;
  private gen = 0;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private pending: Buffer[] = [];
  private next: Deferred | undefined;
  private inflight: Promise<void> | undefined;
  private compaction: Promise<void> | undefined;
  private closed = false;
  /** While a compaction switches files, flushes wait so no record lands in the old journal. */
  private switching = false;
  private unlock: (() => void) | undefined;
  private flushes = 0;
  private flushScheduled = false;
  private records = 0;
  private readonly threshold: number;
  private readonly log: (message: string) => void;

  private readonly dir: string;
  private readonly source: JournalSource;

  private constructor(dir: string, source: JournalSource, options: JournalOptions) {
    this.dir = dir;
    this.source = source;
    this.threshold = options.compactThresholdBytes ?? 4 * 1024 * 1024;
    this.log = options.log ?? ((m) => console.error(`[embedded-mongo] ${m}`));
  }

  /** Loads the directory's state into `source`, then opens the journal for appending. */
  static async open(dir: string, source: JournalSource, options: JournalOptions = {}): Promise<Journal> {
    const j = new Journal(dir, source, options);
    ensurePrivateDir(dir, j.log);
    j.unlock = lockDataDir(dir);
    try {
      await j.load();
    } catch (e) {
      await j.fd?.close();
      j.unlock();
      throw e;
    }
    return j;
  }

  get generation(): number {
    return this.gen;
  }

  /** Records appended and write+fdatasync rounds since start (group commit: flushes ≤ records). */
  stats(): { records: number; flushes: number; generation: number; journalBytes: number } {
    return { records: this.records, flushes: this.flushes, generation: this.gen, journalBytes: this.journalBytes };
  }

  private async load(): Promise<void> {
    const names = readdirSync(this.dir);
    for (const n of names) if (n.endsWith('.tmp')) unlinkSync(join(this.dir, n));
    const snaps = names
      .map((n) => SNAPSHOT_RE.exec(n))
      .filter((m) => m !== null)
      .map((m) => Number(m[1]));
    const journals = names
      .map((n) => JOURNAL_RE.exec(n))
      .filter((m) => m !== null)
      .map((m) => Number(m[1]));
    const snapGen = snaps.length ? Math.max(...snaps) : -1;
    this.source.beginRestore?.();
    if (snapGen >= 0) {
      const path = join(this.dir, `snapshot-${snapGen}.bson`);
      const buf = readFileSync(path);
      const r = readRecords(buf, (rec) => this.source.applyRecord(rec));
      if (r.torn) this.log(`snapshot ${path} is damaged after byte ${r.validLength}; loaded what precedes it`);
      this.snapshotBytes = buf.length;
    }
    const replay = journals.filter((g) => g >= snapGen).sort((a, b) => a - b);
    for (const g of replay) {
      const path = join(this.dir, `journal-${g}.log`);
      const buf = readFileSync(path);
      const r = readRecords(buf, (rec) => this.source.applyRecord(rec));
      if (r.torn) {
        this.log(
          `dropped a torn record at the end of ${path} (${buf.length - r.validLength} bytes after offset ${r.validLength})`,
        );
        truncateSync(path, r.validLength);
      }
      this.journalBytes += r.validLength;
    }
    this.source.endRestore?.();
    // Files older than the snapshot are obsolete (a compaction was interrupted before removing them).
    for (const g of snaps) if (g < snapGen) unlinkSync(join(this.dir, `snapshot-${g}.bson`));
    for (const g of journals) if (g < snapGen) unlinkSync(join(this.dir, `journal-${g}.log`));
    this.gen = Math.max(snapGen, ...journals, 0);
    this.fd = await open(join(this.dir, `journal-${this.gen}.log`), 'a', FILE_MODE);
    // A journal written by an earlier version may be world-readable.
    await this.fd.chmod(FILE_MODE);
    fsyncDir(this.dir);
    if (replay.length > 1 || this.shouldCompact()) await this.compact();
  }

  append(record: Document): void {
    if (this.closed) throw new Error('journal is closed');
    const buf = frameRecord(record);
    this.pending.push(buf);
    this.records++;
  }

  /** Resolves when every record appended so far is durable. */
  sync(): Promise<void> {
    if (this.pending.length === 0) return this.inflight ?? Promise.resolve();
    if (!this.next) this.next = deferred();
    const waiting = this.next.promise;
    this.scheduleFlush();
    return waiting;
  }

  /**
   * Starts the next write+fdatasync one event-loop turn later, so that every request that arrived in
   * the same I/O phase joins the batch (instead of a batch of 1 followed by a batch of the rest).
   */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.inflight || this.switching) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.inflight && !this.switching && this.pending.length > 0 && this.next) this.flush();
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    const done = this.next ?? deferred();
    this.next = undefined;
    const fd = this.fd;
    const data = batch.length === 1 ? batch[0] : Buffer.concat(batch);
    this.inflight = done.promise;
    (async () => {
      if (!fd) throw new Error('journal is not open');
      await fd.write(data, 0, data.length);
      await fd.datasync();
      this.journalBytes += data.length;
      this.flushes++;
    })().then(
      () => this.afterFlush(done, undefined),
      (err: unknown) => this.afterFlush(done, err),
    );
  }

  private afterFlush(done: Deferred, err: unknown): void {
    this.inflight = undefined;
    if (err) {
      this.log(`journal write failed: ${err instanceof Error ? err.message : String(err)}`);
      done.reject(err);
    } else done.resolve();
    if (!err && !this.compaction && this.shouldCompact()) {
      this.compaction = this.compact()
        .catch((e: unknown) => this.log(`compaction failed: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => {
          this.compaction = undefined;
        });
    }
    if (this.pending.length > 0 && this.next) this.scheduleFlush();
  }

  private shouldCompact(): boolean {
    return this.journalBytes > this.threshold && this.journalBytes > 2 * this.snapshotBytes;
  }

  /**
   * Captures the state synchronously, switches appends to a new journal generation, then writes the
   * snapshot (temp file, fsync, rename, fsync dir) and removes the previous generation's files.
   */
  private async compact(): Promise<void> {
    const oldGen = this.gen;
    const newGen = oldGen + 1;
    const frames: Buffer[] = [];
    let size = 0;
    for (const rec of this.source.snapshotRecords()) {
      const f = frameRecord(rec);
      frames.push(f);
      size += f.length;
    }
    // From the capture on, new records must go to the new journal: hold flushes until the switch.
    this.switching = true;
    const oldFd = this.fd;
    try {
      const newFd = await open(join(this.dir, `journal-${newGen}.log`), 'a', FILE_MODE);
      // The batch in flight (records captured in the snapshot) finishes on the old file.
      if (this.inflight) await this.inflight.catch(() => undefined);
      this.fd = newFd;
      this.gen = newGen;
      this.journalBytes = 0;
    } finally {
      this.switching = false;
      if (this.pending.length > 0 && this.next) this.scheduleFlush();
    }
    await oldFd?.close();
    fsyncDir(this.dir);

    const tmp = join(this.dir, `snapshot-${newGen}.bson.tmp`);
    const fh = await open(tmp, 'w', FILE_MODE);
    try {
      // A write per record cost more than serializing them; a few large writes cost next to nothing.
      let position = 0;
      for (const chunk of chunksOf(frames, SNAPSHOT_WRITE_BYTES)) {
        await writeAll(fh, chunk, position);
        position += chunk.length;
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(this.dir, `snapshot-${newGen}.bson`));
    fsyncDir(this.dir);
    this.snapshotBytes = size;
    await unlink(join(this.dir, `journal-${oldGen}.log`)).catch(() => undefined);
    await unlink(join(this.dir, `snapshot-${oldGen}.bson`)).catch(() => undefined);
    fsyncDir(this.dir);
    this.log(`compacted to generation ${newGen} (${frames.length} records, ${size} bytes)`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.sync().catch(() => undefined);
    await this.compaction;
    await this.sync().catch(() => undefined);
    this.closed = true;
    await this.fd?.close();
    this.fd = undefined;
    this.unlock?.();
  }
}

/** How much of a snapshot goes to the file in one write. */
const SNAPSHOT_WRITE_BYTES = 4 * 1024 * 1024;

/** The frames, in order, joined into buffers of about `bytes` each (a larger frame stands alone). */
function* chunksOf(frames: Buffer[], bytes: number): Generator<Buffer> {
  let group: Buffer[] = [];
  let size = 0;
  for (const frame of frames) {
    if (size > 0 && size + frame.length > bytes) {
      yield Buffer.concat(group, size);
      group = [];
      size = 0;
    }
    group.push(frame);
    size += frame.length;
  }
  if (size > 0) yield Buffer.concat(group, size);
}

/** Writes all of `data` at `position` (one write may take only part of it). */
async function writeAll(fh: FileHandle, data: Buffer, position: number): Promise<void> {
  for (let done = 0; done < data.length;) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
