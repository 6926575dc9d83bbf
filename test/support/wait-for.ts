/**
 * Polls `check` until it returns a truthy value (bounded by `attempts`); for background work whose
 * completion has no event to await (worker-pool jobs, a server coming back). Not a timing assertion:
 * it fails only if the condition never holds.
 */
export async function waitFor<T>(check: () => T | Promise<T>, { attempts = 200, intervalMs = 25 } = {}): Promise<NonNullable<T>> {
  let last: T | undefined;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`condition not met after ${attempts} attempts (last value: ${JSON.stringify(last)})`);
}
