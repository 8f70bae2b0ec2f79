import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { parseDecimal, REVISION_MAX } from '../protocol/revision.js';

/**
 * The one grammar of a number in a query string or form field: decimal digits
 * only, as revisions are written. `0x10`, `+5`, `1e2`, `01` or blanks stay
 * strings and fail the integer check, naming the field.
 */
export function DecimalDigits(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseDecimal(value) ?? value) : value));
}

/** A whole number from 1 to `max`, written in decimal digits: one check, whose message names what is wrong. */
export function PositiveInt(max: number = REVISION_MAX): PropertyDecorator {
  return applyDecorators(
    DecimalDigits(),
    ValidateBy({
      name: 'positiveInt',
      validator: {
        validate: (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= max,
        defaultMessage: (args) => positiveIntProblem(args?.property ?? 'value', args?.value, max),
      },
    }),
  );
}

function positiveIntProblem(property: string, value: unknown, max: number): string {
  if (!Number.isSafeInteger(value)) return `${property} must be a whole number written in decimal digits, such as 12`;
  return (value as number) < 1 ? `${property} must not be less than 1` : `${property} must not be greater than ${max}`;
}
