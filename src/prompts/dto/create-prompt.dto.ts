import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MESSAGE_MAX_LENGTH, PROMPT_KEY_PATTERN, PROMPT_KEY_RULE } from './prompt-key.js';

export class CreatePromptDto {
  @IsString() @Matches(PROMPT_KEY_PATTERN, { message: `key must be ${PROMPT_KEY_RULE}` })
  key!: string;

  // Size and Unicode well-formedness are checked by the service against the configured limit.
  @IsString() @IsNotEmpty()
  text!: string;

  @IsOptional() @IsString() @MaxLength(MESSAGE_MAX_LENGTH)
  message?: string;
}
