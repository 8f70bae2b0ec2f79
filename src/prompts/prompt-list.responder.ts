import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { Metrics } from '../metrics/metrics.js';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import { keySet, type FlatPromptList, type PromptList } from '../protocol/prompts.js';
import { formatEtag, ifNoneMatchHits } from '../protocol/revision.js';
import type { ListPromptsQuery } from './dto/list-query.dto.js';
import { EncodedViews } from './encoded-views.js';
import { PromptsService } from './prompts.service.js';

/** What a poll gets: a `304` with the view's ETag, or a `200` with its encoded JSON body. */
export type PollAnswer = { status: 304; etag: string } | { status: 200; etag: string; body: Buffer };

/**
 * Polls whose answer failed on the fast path (a store error), which hands them on to the
 * framework route: it answers that failure as its own, without asking the store a second
 * time (one failed query, counted and logged once).
 */
export const failedOnFastPath = new WeakMap<IncomingMessage, unknown>();

/** The content type of every `200` body of the collection poll, as Express's `res.json` writes it. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Answers the collection poll: a label's view (production by default), of
 * `?keys=` only when given. Pollers hit this every few seconds, so a matching
 * `If-None-Match` is answered from the view's revision alone: no prompt is
 * read and no body is built; and an unchanged view's body is encoded once
 * (EncodedViews) and written as it is. The ETag is the revision of the last
 * change to that view, as the stream's snapshot id and heartbeats are, so a
 * draft or a move of another label leaves it unchanged. The framework route
 * and the fast path (src/fast-path/) both answer through `answer`.
 */
@Injectable()
export class PromptListResponder {
  private readonly encoded = new EncodedViews();

  constructor(
    private readonly prompts: PromptsService,
    private readonly metrics: Metrics,
  ) {}

  /** The framework route's answer, written with Express. */
  async respond(query: ListPromptsQuery, ifNoneMatch: string | undefined, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-cache');
    if (failedOnFastPath.has(res.req)) throw failedOnFastPath.get(res.req);
    const answer = await this.answer(query, ifNoneMatch);
    res.setHeader('ETag', answer.etag);
    if (answer.status === 304) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', JSON_CONTENT_TYPE);
    res.send(answer.body);
  }

  /** The poll's answer, counted in `promptcast_poll_responses_total`. */
  async answer(query: ListPromptsQuery, ifNoneMatch: string | undefined): Promise<PollAnswer> {
    const keys = keySet(query.keys);
    const revision = await this.prompts.viewRevision(query.label, keys);
    if (ifNoneMatchHits(ifNoneMatch, revision)) {
      this.metrics.pollResponses.inc({ status: '304' });
      return { status: 304, etag: formatEtag(revision) };
    }
    const id = viewId(query, keys);
    let view = this.encoded.get(id, revision);
    if (!view) {
      const list: PromptList = await this.prompts.view(query.label, keys);
      const body = Buffer.from(JSON.stringify(query.format === 'flat' ? flat(list) : list));
      view = { revision: list.revision, etag: formatEtag(list.revision), body };
      this.encoded.set(id, view);
    }
    this.metrics.pollResponses.inc({ status: '200' });
    return { status: 200, etag: view.etag, body: view.body };
  }
}

/** One name per distinct body: the order or repetition of `?keys=` changes nothing in the view. */
function viewId(query: ListPromptsQuery, keys: ReadonlySet<string> | undefined): string {
  return `${query.format ?? 'full'}\n${query.label ?? DEFAULT_LABEL}\n${keys ? [...keys].sort().join(',') : '*'}`;
}

function flat(list: PromptList): FlatPromptList {
  return Object.fromEntries(list.prompts.map((p) => [p.key, p.text]));
}
