import { readFileSync } from 'node:fs';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLNamedType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema/index.ts';
import { printSchemaSDL } from '../src/graphql/schema/sdl.ts';

describe('schema.graphql', () => {
  it('is the schema the code builds (run `npm run schema:print` after changing the schema)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printSchemaSDL());
  });

  it("documents every type, field, argument and enum value (GraphiQL's docs pane)", () => {
    const undocumented: string[] = [];
    const check = (where: string, description: string | null | undefined) => {
      if (!description?.trim()) undocumented.push(where);
    };
    const ours = Object.values(schema.getTypeMap()).filter(
      (t: GraphQLNamedType) =>
        !t.name.startsWith('__') && !['String', 'Boolean', 'Int', 'Float', 'ID'].includes(t.name),
    );
    for (const type of ours) {
      check(type.name, type.description);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          check(`${type.name}.${field.name}`, field.description);
          for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
        }
      } else if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
      } else if (isEnumType(type)) {
        for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
      } else if (isUnionType(type)) {
        expect(type.getTypes().length).toBeGreaterThan(1);
      }
    }
    expect(undocumented).toEqual([]);
  });
});
