import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the tests' GraphQL operations (`graphql(...)` calls under test/), generated from
 * the committed schema.graphql: `npm run codegen`. A test that no longer fits the schema fails to
 * type-check.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/**/*.ts', '!test/gql/**'],
  generates: {
    'test/gql/': {
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', FieldValue: 'string | boolean | null' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false },
    },
  },
  ignoreNoDocuments: true,
  emitLegacyCommonJSImports: false,
};

export default config;
