/**
 * Runs `work` over `items` with at most `limit` calls in flight, results in input order. A large
 * cluster needs hundreds of Describe calls; one at a time they would outlast a Lambda timeout, all
 * at once they would hit ECS's per-account token buckets (the SDK client's retries absorb what
 * throttling a few parallel calls still meet).
 */
export async function mapWithLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
