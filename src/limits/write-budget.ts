/**
 * One budget of writes per organization per minute for the whole deployment, spent by both doors: a
 * REST PUT, POST or DELETE costs one write, a GraphQL mutation one write per mutation field it runs.
 * The counts live in the database (write-counter.ts), so several instances grant the limit between them.
 */
import type { WriteCounter } from './write-counter.ts';

const WINDOW_MS = 60_000;

export interface BudgetDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** UTC epoch second at which the window resets. */
  resetsAt: number;
}

export class WriteBudget {
  /** `writesPerMinute` 0 turns the budget off. */
  readonly writesPerMinute: number;
  /** Spends refused so far, for the metrics. */
  refusals = 0;
  private readonly counter: WriteCounter;

  constructor(writesPerMinute: number, counter: WriteCounter) {
    this.writesPerMinute = writesPerMinute;
    this.counter = counter;
  }

  /** Spends `writes` of the organization's budget; undefined when the budget is off. */
  async spend(organizationId: string, writes = 1): Promise<BudgetDecision | undefined> {
    if (this.writesPerMinute <= 0) return undefined;
    const { count, windowEnd } = await this.counter.add(organizationId, writes, WINDOW_MS, new Date());
    const allowed = count <= this.writesPerMinute;
    if (!allowed) this.refusals++;
    return {
      allowed,
      limit: this.writesPerMinute,
      remaining: Math.max(0, this.writesPerMinute - count),
      resetsAt: Math.ceil(windowEnd.getTime() / 1000),
    };
  }
}

/** The public API's headers; a refusal also carries the standard Retry-After (in seconds). */
export function rateLimitHeaders(decision: BudgetDecision): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(decision.remaining),
    'X-RateLimit-Retry-After': String(decision.resetsAt),
    ...(decision.allowed
      ? {}
      : { 'Retry-After': String(Math.max(1, decision.resetsAt - Math.floor(Date.now() / 1000))) }),
  };
}

export const RATE_LIMITED_DETAIL =
  'The organization has used its writes for this minute; retry after X-RateLimit-Retry-After.';
