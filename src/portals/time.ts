/**
 * Reading RFC 3339 times strictly: `new Date` alone rolls 2026-02-30 over to March, which would turn
 * a client's mistake into a silently different filter.
 */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?([Zz]|[+-](\d{2}):(\d{2})))?$/;

export interface ParsedTime {
  instant: Date;
  /** True for a bare date (`2026-11-25`), which stands for that whole UTC day. */
  dateOnly: boolean;
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** A date-time with an offset, or (when `allowDateOnly`) a bare date; undefined when it is not one. */
export function parseTime(text: string, allowDateOnly: boolean): ParsedTime | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = match.map(Number);
  const dateOnly = match[4] === undefined;
  if (dateOnly && !allowDateOnly) return undefined;
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    (dateOnly ||
      (hour <= 23 &&
        minute <= 59 &&
        (Number.isNaN(second) || second <= 59) &&
        (Number.isNaN(offsetHours) || (offsetHours <= 23 && offsetMinutes <= 59))));
  if (!valid) return undefined;
  const instant = new Date(dateOnly ? `${match[0]}T00:00:00Z` : text.replace(' ', 'T'));
  return Number.isNaN(instant.getTime()) ? undefined : { instant, dateOnly };
}

/** The last millisecond of the UTC day that starts at `dayStart`. */
export function endOfDay(dayStart: Date): Date {
  return new Date(dayStart.getTime() + 24 * 60 * 60 * 1000 - 1);
}
