import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { VariablesField } from '../../common/body-fields.js';
import { LabelParam } from '../../common/query-params.js';
import type { Variables } from '../../protocol/template.js';

/** `POST /api/prompts/:key/check`: a text to check without saving it. */
export class CheckPromptDto {
  // No size or blank rule here: an oversized text is reported as the too-large check, like any other finding.
  @ApiProperty({ description: 'The text to check (the request body limit bounds it).' })
  @IsString()
  text!: string;

  @VariablesField()
  variables?: Variables;

  @LabelParam('The label whose current version the size change is measured against.')
  label?: string;
}
