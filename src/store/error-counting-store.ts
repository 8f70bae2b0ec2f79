type Method = (...args: unknown[]) => unknown;

/**
 * Wraps a store so every method call that throws or rejects reports its
 * operation name (`snapshot`, `update`, …) before the error travels on
 * unchanged. One wrapper at the choice point instead of a line in every query.
 */
export function countingErrors<T extends object>(store: T, onError: (operation: string) => void): T {
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      const method = value as Method;
      return (...args: unknown[]) => {
        try {
          const result = method.apply(target, args);
          if (!(result instanceof Promise)) return result;
          return result.catch((err: unknown) => {
            onError(prop);
            throw err;
          });
        } catch (err) {
          onError(prop);
          throw err;
        }
      };
    },
  });
}
