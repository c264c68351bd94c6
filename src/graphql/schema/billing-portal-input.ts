/** BillingPortalInput: the writable fields of a portal (portal-types.ts derives it from their declaration). */
import { PORTAL_FIELDS } from '../../portals/fields.ts';
import { inputTypeOf } from './portal-types.ts';

export const BillingPortalInput = inputTypeOf(
  PORTAL_FIELDS,
  'BillingPortalInput',
  'A whole billing portal. Writing one is a full replacement: every optional field that is omitted or null ' +
    'returns to its default.',
);
