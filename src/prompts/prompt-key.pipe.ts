import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { PROMPT_KEY_PATTERN, PROMPT_KEY_RULE } from './dto/prompt-key.js';

/** Validates the `:key` path parameter the same way the create DTO validates `key`. */
@Injectable()
export class PromptKeyPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!PROMPT_KEY_PATTERN.test(value)) throw new BadRequestException(`key must be ${PROMPT_KEY_RULE}`);
    return value;
  }
}

/** Validates a positive integer path parameter such as `:n`, naming it in the error. */
@Injectable()
export class VersionNumberPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,14}$/.test(value)) throw new BadRequestException('version must be a positive integer');
    return Number(value);
  }
}
