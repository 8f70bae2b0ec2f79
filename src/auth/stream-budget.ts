import { isLoopback } from '../config/auth-config.js';
import type { StreamConfig } from '../config/app-config.js';
import type { RequestActor } from './actor.decorator.js';

/** How many streams a caller may hold, and under which name they are counted. */
export interface StreamBudget {
  /** Streams with the same key share one budget. */
  key: string;
  max: number;
  /** The 429 message when `held` streams already use the budget up. */
  refusal(held: number): string;
}

type Limits = Pick<StreamConfig, 'maxPerToken' | 'maxPerAddress'>;

/**
 * The one rule for stream slots. A token (an agent fleet shares one; an admin
 * UI session counts as its token) has STREAM_MAX_PER_TOKEN, wherever its
 * streams come from: one worker host runs a job process, hence a stream, per
 * call, and a fleet may sit behind one NAT address. A caller without a token
 * (open mode) from loopback is the developer and shares the same budget; one
 * from elsewhere (behind a trusted proxy) is held to STREAM_MAX_PER_ADDRESS.
 */
export function streamBudget(actor: RequestActor | undefined, limits: Limits): StreamBudget {
  const address = actor?.address ?? 'unknown';
  if (actor && actor.via !== 'open') {
    return {
      key: `token:${actor.author}`,
      max: limits.maxPerToken,
      refusal: (held) =>
        `token "${actor.author}" holds ${held} open streams: at most ${limits.maxPerToken} (STREAM_MAX_PER_TOKEN); close one and retry`,
    };
  }
  if (isLoopback(address)) {
    return {
      key: 'open:loopback',
      max: limits.maxPerToken,
      refusal: (held) => `${held} open streams on this open server: at most ${limits.maxPerToken} (STREAM_MAX_PER_TOKEN); close one and retry`,
    };
  }
  return {
    key: `address:${address}`,
    max: limits.maxPerAddress,
    refusal: () => `too many open streams from ${address}: at most ${limits.maxPerAddress} (STREAM_MAX_PER_ADDRESS); close one and retry`,
  };
}
