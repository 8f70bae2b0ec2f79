import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { Metrics } from '../metrics/metrics.js';
import { keySet, type FlatPromptList, type PromptList } from '../protocol/prompts.js';
import { formatEtag, ifNoneMatchHits } from '../protocol/revision.js';
import type { ListPromptsQuery } from './dto/list-query.dto.js';
import { PromptsService } from './prompts.service.js';

/**
 * Answers the collection poll. Pollers hit this every few seconds, so a
 * matching `If-None-Match` is answered from the revision alone: no prompt is
 * read and no body is built. The ETag is the global revision, with or
 * without `?keys=`, exactly as the stream's ids are.
 */
@Injectable()
export class PromptListResponder {
  constructor(
    private readonly prompts: PromptsService,
    private readonly metrics: Metrics,
  ) {}

  async respond(query: ListPromptsQuery, ifNoneMatch: string | undefined, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-cache');
    const revision = await this.prompts.revision();
    if (ifNoneMatchHits(ifNoneMatch, revision)) {
      res.setHeader('ETag', formatEtag(revision));
      res.status(304).end();
      this.metrics.pollResponses.inc({ status: '304' });
      return;
    }
    const snapshot = await this.prompts.snapshot();
    this.metrics.pollResponses.inc({ status: '200' });
    res.setHeader('ETag', formatEtag(snapshot.revision));
    const keys = keySet(query.keys);
    const list: PromptList = { revision: snapshot.revision, prompts: snapshot.prompts.filter((p) => !keys || keys.has(p.key)) };
    res.json(query.format === 'flat' ? flat(list) : list);
  }
}

function flat(list: PromptList): FlatPromptList {
  return Object.fromEntries(list.prompts.map((p) => [p.key, p.text]));
}
