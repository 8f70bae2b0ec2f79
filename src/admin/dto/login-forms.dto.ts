import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CsrfForm } from './admin-forms.dto.js';

/** Only a path on this site, so a crafted link cannot bounce a fresh login to another origin. */
const LOCAL_PATH = /^\/(?![/\\])[\x21-\x7e]{0,2000}$/;
const LOCAL_PATH_MESSAGE = 'next must be a path on this site, such as /prompts/AGENT_INSTRUCTION';

export class LoginQuery {
  @IsOptional()
  @IsString()
  @Matches(LOCAL_PATH, { message: LOCAL_PATH_MESSAGE })
  next?: string;
}

export class LoginForm extends CsrfForm {
  @IsString()
  @MaxLength(1024)
  token!: string;

  @IsOptional()
  @IsString()
  @Matches(LOCAL_PATH, { message: LOCAL_PATH_MESSAGE })
  next?: string;
}

export class LogoutForm extends CsrfForm {}
