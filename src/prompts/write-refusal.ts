import {
  ConflictException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  PreconditionFailedException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { CheckReport } from '../protocol/checks.js';
import type { ChecksFailedBody } from '../protocol/prompts.js';
import type { Refusal } from '../store/write-plan.js';

/** What a refused write is about, for the message. */
export interface RefusedWrite {
  key: string;
  /** The version the write named (a label move, a rollback). */
  version?: number;
  /** The label the write named. */
  label?: string;
  /** What the checks found in the version the write publishes. */
  checks?: CheckReport;
  /** The rollout the write named. */
  rollout?: string;
}

/** The one place a store's refusal becomes an HTTP error, with a message that says what to do. */
export function refusalError(refusal: Refusal, write: RefusedWrite): HttpException {
  const { key } = write;
  const label = refusal.label ?? write.label;
  switch (refusal.reason) {
    case 'exists':
      return new ConflictException(`prompt "${key}" already exists (version ${refusal.currentVersion}); use PUT to change it`);
    case 'not_found':
      return new NotFoundException(`prompt "${key}" not found`);
    case 'version_not_found':
      return new NotFoundException(`prompt "${key}" has no version ${write.version}`);
    case 'label_not_found':
      return new NotFoundException(`prompt "${key}" has no label "${label}"`);
    case 'stale':
      return new PreconditionFailedException(staleMessage(key, label, refusal.currentVersion));
    case 'protected':
      return new ForbiddenException(
        `label "${label}" is protected (PROTECTED_LABELS): only a token allowed to publish may move it; save a draft (labels: []) or move an unprotected label, and ask an admin to publish`,
      );
    case 'checks_failed':
      return checksFailed(write, label);
    case 'default_label_required':
      return new ConflictException(`label "${label}" of a live prompt cannot be removed; delete the prompt "${key}" instead`);
    case 'rollout_active':
      return new ConflictException(
        `label "${label}" of prompt "${key}" is in rollout ${refusal.rollout} (active); complete or abort it first (POST /api/prompts/${key}/rollouts/${refusal.rollout}/complete or /abort)`,
      );
    case 'rollout_not_found':
      return new NotFoundException(`prompt "${key}" has no rollout "${write.rollout}"`);
    case 'rollout_ended':
      return new ConflictException(`rollout ${refusal.rollout} of prompt "${key}" has ended; start a new one`);
    case 'same_version':
      return new ConflictException(
        `label "${label}" of prompt "${key}" already points at version ${refusal.currentVersion}; roll out another version`,
      );
  }
}

function staleMessage(key: string, label: string | undefined, current: number | undefined): string {
  if (label === undefined) return `prompt "${key}" is at version ${current}; your If-Match is stale`;
  const where = current === undefined ? 'points nowhere' : `points at version ${current}`;
  return `label "${label}" of prompt "${key}" ${where}; your If-Match is stale`;
}

/** 422 with the checks: the message names the first error, the body lists them all. */
function checksFailed(write: RefusedWrite, label: string | undefined): HttpException {
  const checks = write.checks?.checks ?? [];
  const errors = checks.filter((c) => c.level === 'error');
  const which = write.version === undefined ? 'this version' : `version ${write.version}`;
  const first = errors[0]?.message ?? 'the checks found an error';
  const count = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  const message = `${which} of "${write.key}" cannot be published to "${label}": ${first}${count}; fix it, save a draft (labels: []), or, as an admin, send force: true with a reason`;
  const body: ChecksFailedBody = { statusCode: 422, error: 'Unprocessable Entity', message, checks };
  return new UnprocessableEntityException(body);
}
