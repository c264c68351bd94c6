/**
 * One budget of writes per organization per minute, spent by both doors: a REST PUT, POST or DELETE
 * costs one write, a GraphQL mutation one write per mutation field it runs. Counting is
 * rate-limiter-flexible's; what a write is, and the headers, are ours.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

const WINDOW_SECONDS = 60;

export interface BudgetDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** UTC epoch second at which the window resets. */
  resetsAt: number;
}

export class WriteBudget {
  private readonly limiter: RateLimiterMemory | undefined;

  /** `writesPerMinute` 0 turns the budget off. */
  readonly writesPerMinute: number;

  constructor(writesPerMinute: number) {
    this.writesPerMinute = writesPerMinute;
    this.limiter = writesPerMinute > 0 ? new RateLimiterMemory({ points: writesPerMinute, duration: WINDOW_SECONDS }) : undefined;
  }

  /** Spends `writes` of the organization's budget; undefined when the budget is off. */
  async spend(organizationId: string, writes = 1): Promise<BudgetDecision | undefined> {
    if (!this.limiter) return undefined;
    try {
      return this.decision(true, await this.limiter.consume(organizationId, writes));
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return this.decision(false, rejection);
      throw rejection;
    }
  }

  private decision(allowed: boolean, result: RateLimiterRes): BudgetDecision {
    return {
      allowed,
      limit: this.writesPerMinute,
      remaining: Math.max(0, result.remainingPoints),
      resetsAt: Math.ceil((Date.now() + result.msBeforeNext) / 1000),
    };
  }
}

/** The public API's headers; a refusal also carries the standard Retry-After (in seconds). */
export function rateLimitHeaders(decision: BudgetDecision): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(decision.remaining),
    'X-RateLimit-Retry-After': String(decision.resetsAt),
    ...(decision.allowed ? {} : { 'Retry-After': String(Math.max(1, decision.resetsAt - Math.floor(Date.now() / 1000))) }),
  };
}

export const RATE_LIMITED_DETAIL = 'The organization has used its writes for this minute; retry after X-RateLimit-Retry-After.';
