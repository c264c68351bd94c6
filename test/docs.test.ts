import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withFieldReference } from '../scripts/field-reference.ts';

describe('docs/api.md', () => {
  it('holds the field reference the declarations make (run `npm run docs:fields` after changing a field)', () => {
    const committed = readFileSync(new URL('../docs/api.md', import.meta.url), 'utf8');
    expect(committed).toBe(withFieldReference(committed));
  });
});
