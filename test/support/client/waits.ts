import type { EventEmitter } from 'node:events';

/** The next `name` event whose payload satisfies `match`, or a rejection after `timeoutMs`. */
export function nextEvent<T>(emitter: EventEmitter, name: string, match: (value: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (value: T) => {
      if (!match(value)) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for a "${name}" event`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      emitter.off(name, listener);
    };
    emitter.on(name, listener);
  });
}
