/**
 * Min-cost flow by successive shortest paths (Bellman-Ford on the residual graph, so negative edge
 * costs are fine as long as the input has no negative cycle). Small and exact: the bench's load
 * oracle sends at most a few hundred units through a few hundred edges.
 */
export class FlowNetwork {
  private readonly to: number[] = [];
  private readonly capacity: number[] = [];
  private readonly cost: number[] = [];
  private readonly out: number[][];

  constructor(readonly nodes: number) {
    this.out = Array.from({ length: nodes }, () => []);
  }

  addEdge(from: number, to: number, capacity: number, cost: number): void {
    if (capacity <= 0) return;
    this.out[from].push(this.to.length);
    (this.to.push(to), this.capacity.push(capacity), this.cost.push(cost));
    this.out[to].push(this.to.length);
    (this.to.push(from), this.capacity.push(0), this.cost.push(-cost));
  }

  /** Sends up to `limit` units from source to sink at the least cost: the units sent and their cost. */
  minCostFlow(source: number, sink: number, limit: number): { flow: number; cost: number } {
    let flow = 0;
    let total = 0;
    while (flow < limit) {
      const path = this.shortestPath(source, sink);
      if (!path) break;
      let push = limit - flow;
      for (const edge of path) push = Math.min(push, this.capacity[edge]);
      for (const edge of path) {
        this.capacity[edge] -= push;
        this.capacity[edge ^ 1] += push;
        total += push * this.cost[edge];
      }
      flow += push;
    }
    return { flow, cost: total };
  }

  private shortestPath(source: number, sink: number): number[] | undefined {
    const distance = new Array<number>(this.nodes).fill(Infinity);
    const via = new Array<number>(this.nodes).fill(-1);
    const queued = new Array<boolean>(this.nodes).fill(false);
    distance[source] = 0;
    const queue = [source];
    queued[source] = true;
    while (queue.length > 0) {
      const node = queue.shift()!;
      queued[node] = false;
      for (const edge of this.out[node]) {
        if (this.capacity[edge] === 0) continue;
        const next = this.to[edge];
        if (distance[node] + this.cost[edge] < distance[next]) {
          distance[next] = distance[node] + this.cost[edge];
          via[next] = edge;
          if (!queued[next]) {
            queued[next] = true;
            queue.push(next);
          }
        }
      }
    }
    if (distance[sink] === Infinity) return undefined;
    const path: number[] = [];
    for (let node = sink; node !== source; node = this.to[via[node] ^ 1]) path.push(via[node]);
    return path.reverse();
  }
}
