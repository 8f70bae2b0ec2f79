import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { MESSAGE_MAX_LENGTH } from './prompt-key.js';

export class UpdatePromptDto {
  @IsString() @IsNotEmpty()
  text!: string;

  @IsOptional() @IsString() @MaxLength(MESSAGE_MAX_LENGTH)
  message?: string;
}
