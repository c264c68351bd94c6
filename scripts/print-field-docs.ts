/** Rewrites the field reference in docs/api.md from the field declarations (`npm run docs:fields`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { withFieldReference } from './field-reference.ts';

const file = new URL('../docs/api.md', import.meta.url);
writeFileSync(file, withFieldReference(readFileSync(file, 'utf8')));
console.log('docs/api.md field reference written');
