/** Options for every mingo call: no server-side JavaScript ($where, $function, $accumulator). */
import type { Options } from 'mingo/types';
import type { Doc } from './compare.ts';

export type MingoOptions = Partial<Options>;

export const BASE_OPTIONS: MingoOptions = { scriptEnabled: false };

/** Options for an aggregation in `db`, resolving `$lookup`'s `from` to that database's collections. */
export function aggregationOptions(resolve: (name: string) => Doc[]): MingoOptions {
  return { ...BASE_OPTIONS, collectionResolver: resolve };
}
