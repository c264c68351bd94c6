/**
 * An ordered multiset as a two-level B-tree: a list of sorted chunks (each at most 2 × LOAD items)
 * plus the last item of every chunk. Insert and delete are a binary search over the chunk maxima,
 * one inside the chunk and a splice of at most 2 × LOAD items, so random inserts stay cheap at a
 * million items; seeks are two binary searches; a walk is sequential; `rank` (for counting a range
 * without visiting it) uses cumulative chunk sizes, rebuilt lazily after a change.
 */

export const LOAD = 256;

/** A position: chunk index and offset inside the chunk (`ci === chunks.length` is the end). */
export interface Pos {
  ci: number;
  i: number;
}

export class SortedList<T> {
  private chunks: T[][] = [];
  private maxes: T[] = [];
  private prefix: number[] | undefined;
  private count = 0;

  private readonly cmp: (a: T, b: T) => number;

  constructor(cmp: (a: T, b: T) => number) {
    this.cmp = cmp;
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.chunks = [];
    this.maxes = [];
    this.prefix = undefined;
    this.count = 0;
  }

  /** Replaces the content by `items` (sorted here). */
  build(items: T[]): void {
    items.sort(this.cmp);
    this.clear();
    for (let i = 0; i < items.length; i += LOAD) this.chunks.push(items.slice(i, i + LOAD));
    this.maxes = this.chunks.map((c) => c[c.length - 1]);
    this.count = items.length;
  }

  insert(x: T): void {
    this.prefix = undefined;
    this.count++;
    if (this.chunks.length === 0) {
      this.chunks.push([x]);
      this.maxes.push(x);
      return;
    }
    let ci = this.chunkLowerBound((m) => this.cmp(m, x) >= 0);
    if (ci === this.chunks.length) ci--;
    const chunk = this.chunks[ci];
    chunk.splice(
      this.lowerBoundIn(chunk, (y) => this.cmp(y, x) >= 0),
      0,
      x,
    );
    this.maxes[ci] = chunk[chunk.length - 1];
    if (chunk.length > 2 * LOAD) {
      const tail = chunk.splice(LOAD);
      this.chunks.splice(ci + 1, 0, tail);
      this.maxes.splice(ci, 1, chunk[chunk.length - 1], tail[tail.length - 1]);
    }
  }

  /** Removes one item comparing equal to `x`; false when there is none. */
  delete(x: T): boolean {
    const ci = this.chunkLowerBound((m) => this.cmp(m, x) >= 0);
    if (ci === this.chunks.length) return false;
    const chunk = this.chunks[ci];
    const i = this.lowerBoundIn(chunk, (y) => this.cmp(y, x) >= 0);
    if (i >= chunk.length || this.cmp(chunk[i], x) !== 0) return false;
    chunk.splice(i, 1);
    this.prefix = undefined;
    this.count--;
    if (chunk.length === 0) {
      this.chunks.splice(ci, 1);
      this.maxes.splice(ci, 1);
    } else {
      this.maxes[ci] = chunk[chunk.length - 1];
    }
    return true;
  }

  /** The first position whose item satisfies `pred` (which must be false…false, true…true in order). */
  seek(pred: (x: T) => boolean): Pos {
    const ci = this.chunkLowerBound(pred);
    if (ci === this.chunks.length) return { ci, i: 0 };
    return { ci, i: this.lowerBoundIn(this.chunks[ci], pred) };
  }

  /** The past-the-end position. */
  end(): Pos {
    return { ci: this.chunks.length, i: 0 };
  }

  /** Number of items before `p`. */
  rank(p: Pos): number {
    if (!this.prefix) {
      const prefix = new Array<number>(this.chunks.length + 1);
      prefix[0] = 0;
      for (let c = 0; c < this.chunks.length; c++) prefix[c + 1] = prefix[c] + this.chunks[c].length;
      this.prefix = prefix;
    }
    return this.prefix[p.ci] + p.i;
  }

  /** Items from `from` (inclusive) to `to` (exclusive), forwards. */
  *forward(from: Pos, to: Pos): Generator<T> {
    let { ci, i } = from;
    while ((ci < to.ci || (ci === to.ci && i < to.i)) && ci < this.chunks.length) {
      const chunk = this.chunks[ci];
      if (i >= chunk.length) {
        ci++;
        i = 0;
        continue;
      }
      yield chunk[i++];
    }
  }

  /** Items from `to` (exclusive) back to `from` (inclusive), backwards. */
  *backward(from: Pos, to: Pos): Generator<T> {
    let ci = to.ci;
    let i = to.i - 1;
    for (;;) {
      if (i < 0) {
        ci--;
        if (ci < from.ci || ci < 0) return;
        i = this.chunks[ci].length - 1;
        continue;
      }
      if (ci < from.ci || (ci === from.ci && i < from.i)) return;
      yield this.chunks[ci][i--];
    }
  }

  *all(): Generator<T> {
    for (const chunk of this.chunks) yield* chunk;
  }

  private chunkLowerBound(pred: (x: T) => boolean): number {
    let lo = 0;
    let hi = this.maxes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(this.maxes[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private lowerBoundIn(chunk: T[], pred: (x: T) => boolean): number {
    let lo = 0;
    let hi = chunk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(chunk[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
