/**
 * The service's database calls, each named by the command it sends, and timed when someone is listening
 * (the metrics). Timing the calls here rather than through the driver's command monitoring keeps the
 * driver from building two events per command and decoding every reply a second time for them.
 */
import { guard } from './database-unavailable.ts';

/** The commands the service sends, as the driver names them on the wire. */
export type CommandName = 'find' | 'findAndModify' | 'insert' | 'update' | 'delete' | 'aggregate' | 'createIndexes';

/** Told of each call once it has ended: how long it took and whether the database answered with an error. */
export type CallObserver = (command: CommandName, seconds: number, outcome: 'succeeded' | 'failed') => void;

export class DatabaseCalls {
  private readonly observe: CallObserver | undefined;

  constructor(observe?: CallObserver) {
    this.observe = observe;
  }

  /** Runs one call (guard(): "no database" becomes DatabaseUnavailableError), timed if observed. */
  async run<T>(command: CommandName, call: () => Promise<T>): Promise<T> {
    const observe = this.observe;
    if (!observe) return guard(call);
    const started = performance.now();
    try {
      const result = await guard(call);
      observe(command, (performance.now() - started) / 1000, 'succeeded');
      return result;
    } catch (error) {
      observe(command, (performance.now() - started) / 1000, 'failed');
      throw error;
    }
  }
}

/** Calls nobody times: tests, tools and benchmarks that build stores without metrics. */
export const UNOBSERVED_CALLS = new DatabaseCalls();
