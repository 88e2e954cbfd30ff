export type DeepPartial<T> = T extends unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Helm's merge rule for values: mappings merge key by key, everything else (lists too) is replaced. */
export function deepMerge<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    // defineProperty keeps a "__proto__" key from a values file an own, visible (and so rejected) key.
    Object.defineProperty(merged, key, { value: deepMerge(merged[key], value), enumerable: true, writable: true, configurable: true });
  }
  return merged as T;
}
