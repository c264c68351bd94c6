/**
 * The GraphQL types of a portal's fields, derived from their declaration (portals/fields.ts): one
 * object type and one input type per field group, one enum per choice. A field's GraphQL type follows
 * from its kind (text → String, flag → Boolean, choice → its enum), so GraphQL's input coercion never
 * accepts a value the validation schema refuses; the schema checks the rest and answers with data.
 */
import type { EnumRef, ImplementableObjectRef, InputObjectRef, ObjectFieldBuilder } from '@pothos/core';
import {
  inputDescription,
  isNullable,
  isWritable,
  isRequired,
  outputDescription,
  type Field,
  type FieldGroup,
  type FieldMap,
  type ReadOnlyField,
  type WritableField,
} from '../../portals/fields.ts';
import { builder, type SchemaTypesOfBuilder as Types } from './builder.ts';

type Parent = Record<string, unknown>;
type AnyObjectRef = ImplementableObjectRef<Types, Parent>;
type AnyEnumRef = EnumRef<Types, string, string>;
type AnyInputRef = InputObjectRef<Types, Parent>;

const enums = new Map<string, AnyEnumRef>();
const objects = new Map<string, AnyObjectRef>();
const inputs = new Map<string, AnyInputRef>();

type ChoiceField<V extends string> = WritableField<V> | ReadOnlyField<V>;

function defineEnum(field: ChoiceField<string>): AnyEnumRef {
  const choice = field.choice!;
  return builder.enumType(choice.enumName, {
    description: choice.enumDescription,
    values: Object.fromEntries(
      Object.entries(choice.values).map(([value, spelling]) => [
        spelling.graphql,
        { value, description: spelling.description },
      ]),
    ),
  });
}

/** The enum of a choice field: its values spelled the GraphQL way, standing for the domain's values. */
export function enumOf<V extends string>(field: ChoiceField<V>): EnumRef<Types, V, V> {
  const choice = field.choice!;
  let ref = enums.get(choice.enumName);
  if (!ref) {
    ref = defineEnum(field as ChoiceField<string>);
    enums.set(choice.enumName, ref);
  }
  return ref as EnumRef<Types, V, V>;
}

function outputType(field: Field): AnyObjectRef | AnyEnumRef | 'ID' | 'DateTime' | 'Boolean' | 'String' {
  if (field.kind === 'group') return objectTypeOf(field);
  if (field.kind === 'readOnly')
    return field.graphql === 'Enum' ? enumOf(field as ReadOnlyField<string>) : field.graphql;
  if (field.kind === 'choice') return enumOf(field as WritableField<string>);
  return field.kind === 'flag' ? 'Boolean' : 'String';
}

/**
 * The object fields of a field map: each exposes the stored value under its own name. Exposed, they have
 * no resolver of their own (GraphQL's default reads the property), which compiled queries read inline.
 */
export function outputFields(fields: FieldMap) {
  return (t: ObjectFieldBuilder<Types, Parent>) =>
    Object.fromEntries(
      Object.entries(fields).map(([name, field]) => [
        name,
        t.expose(name as never, {
          type: outputType(field) as 'String',
          nullable: isNullable(field) as true,
          description: outputDescription(field, 'graphql'),
        }),
      ]),
    );
}

/** The object type of a field group (e.g. BillingPortalColors). */
export function objectTypeOf(group: FieldGroup): AnyObjectRef {
  let ref = objects.get(group.typeName);
  if (!ref) {
    ref = builder.objectRef<Parent>(group.typeName);
    objects.set(group.typeName, ref);
    ref.implement({ description: group.description, fields: outputFields(group.fields) });
  }
  return ref;
}

function inputType(field: WritableField<unknown> | FieldGroup): AnyInputRef | AnyEnumRef | 'Boolean' | 'String' {
  if (field.kind === 'group') {
    return inputTypeOf(field.fields, `${field.typeName}Input`, inputDescription(field, 'graphql'));
  }
  if (field.kind === 'choice') return enumOf(field as WritableField<string>);
  return field.kind === 'flag' ? 'Boolean' : 'String';
}

function defineInput(fields: FieldMap, name: string, description: string): AnyInputRef {
  return builder.inputType(name, {
    description,
    fields: (t) =>
      Object.fromEntries(
        Object.entries(fields).flatMap(([fieldName, field]) =>
          !isWritable(field)
            ? []
            : [
                [
                  fieldName,
                  t.field({
                    type: inputType(field) as 'String',
                    required: isRequired(field),
                    description: inputDescription(field, 'graphql'),
                  }),
                ],
              ],
        ),
      ),
  });
}

/** The input type of a field map: its writable fields, required only where a value has no default. */
export function inputTypeOf(fields: FieldMap, name: string, description: string): AnyInputRef {
  let ref = inputs.get(name);
  if (!ref) {
    ref = defineInput(fields, name, description);
    inputs.set(name, ref);
  }
  return ref;
}
