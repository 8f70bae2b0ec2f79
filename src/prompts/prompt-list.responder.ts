import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { Metrics } from '../metrics/metrics.js';
import { etagOf, noneMatchHits } from './etag.js';
import { PromptsService } from './prompts.service.js';

/**
 * Answers the collection poll. Pollers hit this every few seconds, so a
 * matching `If-None-Match` is answered from the revision alone: no prompt is
 * read and no body is built.
 */
@Injectable()
export class PromptListResponder {
  constructor(
    private readonly prompts: PromptsService,
    private readonly metrics: Metrics,
  ) {}

  async respond(format: 'full' | 'flat', ifNoneMatch: string | undefined, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-cache');
    const revision = await this.prompts.revision();
    if (noneMatchHits(ifNoneMatch, revision)) {
      res.setHeader('ETag', etagOf(revision));
      res.status(304).end();
      this.metrics.pollResponses.inc({ status: '304' });
      return;
    }
    const snapshot = await this.prompts.snapshot();
    this.metrics.pollResponses.inc({ status: '200' });
    res.setHeader('ETag', etagOf(snapshot.revision));
    if (format === 'flat') {
      res.json(Object.fromEntries(snapshot.prompts.map((p) => [p.key, p.text])));
    } else {
      res.json(snapshot);
    }
  }
}
