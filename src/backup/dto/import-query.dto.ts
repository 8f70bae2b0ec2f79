import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** `POST /api/admin/import?merge=true`. */
export class ImportQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Add keys this store never had instead of refusing a store that is not empty. Defaults to false.',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'merge must be true or false' })
  merge?: 'true' | 'false';
}
