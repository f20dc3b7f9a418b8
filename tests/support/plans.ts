/** A node of PostgreSQL's JSON plan (EXPLAIN (FORMAT JSON), auto_explain's json format). */
export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan, the root first. */
export function* planNodes(plan: PlanNode): Generator<PlanNode> {
  yield plan;
  for (const child of plan.Plans ?? []) yield* planNodes(child);
}

/**
 * Reads of a whole table counted as large: a Seq Scan, or an index walked end to end without a
 * condition (what the planner does instead when sequential scans are off), unless a Limit stops
 * it early (the newest-first ledger page walks the seq index backwards and stops after a page).
 */
export function fullScans(node: PlanNode, isLarge: (relation: string) => boolean, underLimit = false): string[] {
  const relation = node["Relation Name"];
  const walksAll = node["Node Type"] === "Seq Scan" || ((node["Node Type"] === "Index Scan" || node["Node Type"] === "Index Only Scan") && !node["Index Cond"] && !underLimit);
  const own = relation !== undefined && isLarge(relation) && walksAll ? [`${node["Node Type"]} on ${relation}`] : [];
  const limited = underLimit || node["Node Type"] === "Limit";
  return [...own, ...(node.Plans ?? []).flatMap((child) => fullScans(child, isLarge, limited))];
}
