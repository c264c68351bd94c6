/** Loads every type file, then builds the schema. */
import { builder } from './builder.js';
import './date-time.js';
import './errors.js';
import './billing-portal.js';
import './billing-portal-input.js';
import './billing-portal-list.js';
import './billing-portal-mutations.js';

export const schema = builder.toSchema();
