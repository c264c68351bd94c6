/**
 * Opaque connection cursors: base64url of the sort values and id of a row, bound to the order they
 * were made for. A cursor that does not decode, or was made for another order, is refused.
 */
import { GraphQLError } from 'graphql';
import type { PortalKeyset, SortKey } from '../../portals/list-query.ts';
import type { Portal } from '../../portals/model.ts';

const VERSION = 1;

function orderSignature(sort: SortKey[]): string {
  return sort.map((k) => `${k.direction < 0 ? '-' : ''}${k.field}`).join(',');
}

export function encodeCursor(sort: SortKey[], portal: Portal): string {
  const payload = [VERSION, orderSignature(sort), ...sort.map((k) => portal[k.field].getTime()), portal.id];
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function invalid(argument: string): GraphQLError {
  return new GraphQLError(`Argument "${argument}" is not a cursor of this connection in this order.`, {
    extensions: { code: 'BAD_USER_INPUT', argumentName: argument },
  });
}

export function decodeCursor(sort: SortKey[], cursor: string, argument: string): PortalKeyset {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid(argument);
  }
  if (
    !Array.isArray(payload) ||
    payload.length !== sort.length + 3 ||
    payload[0] !== VERSION ||
    payload[1] !== orderSignature(sort) ||
    typeof payload.at(-1) !== 'string'
  ) {
    throw invalid(argument);
  }
  const times = payload.slice(2, -1);
  if (!times.every((t) => Number.isSafeInteger(t) && !Number.isNaN(new Date(t as number).getTime())))
    throw invalid(argument);
  return { values: times.map((t) => new Date(t as number)), id: payload.at(-1) as string };
}
