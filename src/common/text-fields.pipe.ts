import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { textFault } from '../protocol/text.js';

/**
 * Applies the text rule (`protocol/text.ts`) to every string field of every
 * request body, JSON and form alike, so no route can forget a field. Runs
 * after validation: the body has the shape its DTO promises, and a 400 names
 * the field (`message must be well-formed Unicode …`).
 */
@Injectable()
export class TextFieldsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body') return value;
    const fault = firstFault(value);
    if (fault) throw new BadRequestException(`${fault.field} ${fault.problem}`);
    return value;
  }
}

/** The first string in `value` that breaks the rule, by its path (`a.b.0`); iterative, so no body can overflow the stack. */
function firstFault(value: unknown): { field: string; problem: string } | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node === 'string') {
      const problem = textFault(node);
      if (problem) return { field: path || 'the request body', problem };
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) stack.push([child, path ? `${path}.${key}` : key]);
    }
  }
  return undefined;
}
