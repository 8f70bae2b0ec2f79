import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { Metrics } from '../metrics/metrics.js';
import { keySet, type FlatPromptList, type PromptList } from '../protocol/prompts.js';
import { formatEtag, ifNoneMatchHits } from '../protocol/revision.js';
import type { ListPromptsQuery } from './dto/list-query.dto.js';
import { PromptsService } from './prompts.service.js';

/**
 * Answers the collection poll: a label's view (production by default), of
 * `?keys=` only when given. Pollers hit this every few seconds, so a matching
 * `If-None-Match` is answered from the view's revision alone: no prompt is
 * read and no body is built. The ETag is the revision of the last change to
 * that view, as the stream's snapshot id and heartbeats are, so a draft or a
 * move of another label leaves it unchanged.
 */
@Injectable()
export class PromptListResponder {
  constructor(
    private readonly prompts: PromptsService,
    private readonly metrics: Metrics,
  ) {}

  async respond(query: ListPromptsQuery, ifNoneMatch: string | undefined, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-cache');
    const keys = keySet(query.keys);
    const revision = await this.prompts.viewRevision(query.label, keys);
    if (ifNoneMatchHits(ifNoneMatch, revision)) {
      res.setHeader('ETag', formatEtag(revision));
      res.status(304).end();
      this.metrics.pollResponses.inc({ status: '304' });
      return;
    }
    const list: PromptList = await this.prompts.view(query.label, keys);
    this.metrics.pollResponses.inc({ status: '200' });
    res.setHeader('ETag', formatEtag(list.revision));
    res.json(query.format === 'flat' ? flat(list) : list);
  }
}

function flat(list: PromptList): FlatPromptList {
  return Object.fromEntries(list.prompts.map((p) => [p.key, p.text]));
}
