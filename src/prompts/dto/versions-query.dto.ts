import { CursorParam, LimitParam } from '../../common/query-params.js';

export class VersionsQuery {
  @LimitParam(100, 20)
  limit?: number;

  /** Cursor: only versions older than this one. */
  @CursorParam('Cursor: only versions older than this one.')
  before?: number;
}
