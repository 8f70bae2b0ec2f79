import type { PromptChange, PromptClient } from '../client/index.js';

type Listener = (change: PromptChange) => void;

const listeners = new WeakMap<PromptClient, Set<Listener>>();

/**
 * Subscribes to a client's `change` events through one listener per client,
 * however many calls are bound to it: a worker with hundreds of calls would
 * otherwise pile hundreds of listeners on one emitter (and Node warns past 10).
 * Returns the unsubscribe function.
 */
export function onClientChange(client: PromptClient, listener: Listener): () => void {
  let set = listeners.get(client);
  if (!set) {
    const fresh = new Set<Listener>();
    const fanout = (change: PromptChange): void => {
      for (const each of [...fresh]) each(change);
      if (fresh.size === 0) {
        client.off('change', fanout);
        listeners.delete(client);
      }
    };
    client.on('change', fanout);
    listeners.set(client, fresh);
    set = fresh;
  }
  set.add(listener);
  return () => void set.delete(listener);
}
