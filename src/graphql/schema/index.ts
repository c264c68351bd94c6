/** Loads every type file, then builds the schema. */
import { builder } from './builder.ts';
import './date-time.ts';
import './errors.ts';
import './billing-portal.ts';
import './billing-portal-input.ts';
import './billing-portal-list.ts';
import './billing-portal-mutations.ts';
import './billing-portal-changes.ts';
import './billing-portal-history.ts';

export const schema = builder.toSchema();
