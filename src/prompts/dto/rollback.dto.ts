import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { MESSAGE_MAX_LENGTH } from './prompt-key.js';

export class RollbackDto {
  @IsInt() @Min(1)
  version!: number;

  @IsOptional() @IsString() @MaxLength(MESSAGE_MAX_LENGTH)
  message?: string;
}
