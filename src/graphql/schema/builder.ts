/** Pothos set-up only: plugins, the context type, scalar and connection typing. Types live beside it. */
import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import type { GraphQLContext } from './context.ts';
import type { FieldValue } from '../../portals/history.ts';

interface BuilderTypes {
  Context: GraphQLContext;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    FieldValue: { Input: never; Output: FieldValue };
  };
  Connection: { totalCount: () => Promise<number> };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}

/** The builder's full type parameters, for helpers that make types generically (portal-types.ts). */
export type SchemaTypesOfBuilder = PothosSchemaTypes.ExtendDefaultTypes<BuilderTypes>;

export const builder = new SchemaBuilder<BuilderTypes>({
  plugins: [ErrorsPlugin, RelayPlugin],
  // Fields are non-null unless they say otherwise: a portal always has every field.
  defaultFieldNullability: false,
  errors: { defaultTypes: [] },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    edgesFieldOptions: { nullable: false, description: 'The portals of this page, each with its cursor.' },
    nodeFieldOptions: { nullable: false, description: 'The billing portal.' },
    cursorFieldOptions: { description: 'Opaque position of this portal; pass it as `after` or `before`.' },
    pageInfoFieldOptions: { description: 'Where this page lies in the whole list.' },
    pageInfoTypeOptions: { description: 'Where a page lies in the whole list (Relay cursor connections).' },
    hasNextPageFieldOptions: { description: 'Whether more items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of this page.' },
    endCursorFieldOptions: { description: 'Cursor of the last item of this page.' },
    firstArgOptions: { description: 'Return the first n items (at most 100) after `after`.' },
    afterArgOptions: { description: 'Return items after this cursor.' },
    lastArgOptions: { description: 'Return the last n items (at most 100) before `before`.' },
    beforeArgOptions: { description: 'Return items before this cursor.' },
  },
});

builder.queryType({ description: 'Reads of billing portals. Every field needs an API key.' });
builder.mutationType({ description: 'Writes of billing portals. Every field needs an API key.' });
