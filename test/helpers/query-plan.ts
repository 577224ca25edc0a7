import { CompiledQuery, type Kysely } from 'kysely';

/**
 * The plan of a compiled query as one line per step, from SQLite's `EXPLAIN QUERY PLAN` with
 * the query's own parameters bound (constants can change SQLite's choice). SQLite only.
 */
export async function queryPlan<DB>(
  db: Kysely<DB>,
  query: { compile(): CompiledQuery },
): Promise<string[]> {
  const compiled = query.compile();
  const result = await db.executeQuery<{ detail: string }>(
    CompiledQuery.raw(`EXPLAIN QUERY PLAN ${compiled.sql}`, [...compiled.parameters]),
  );
  return result.rows.map((r) => r.detail);
}

export interface PlanSummary {
  /** Indexes searched, as `table.index`. */
  indexSearches: string[];
  /** Tables read start to end. */
  fullScans: string[];
  /** Whether rows are sorted after reading (an index did not give the order). */
  sorts: boolean;
}

/** Reduces SQLite plan lines to what the index tests check. */
export function summarizePlan(lines: readonly string[]): PlanSummary {
  const summary: PlanSummary = { indexSearches: [], fullScans: [], sorts: false };
  for (const line of lines) {
    const search = /^SEARCH (\w+) USING (?:COVERING )?INDEX (\w+)/.exec(line);
    if (search) summary.indexSearches.push(`${search[1]}.${search[2]}`);
    const scan = /^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?/.exec(line);
    // SCAN of a subquery's result (our paging join) reads at most one page.
    if (scan && scan[1] !== 'hits') summary.fullScans.push(scan[1] as string);
    if (/TEMP B-TREE FOR ORDER BY/.test(line)) summary.sorts = true;
  }
  return summary;
}

/**
 * The tables a PostgreSQL plan reads (partitions by their own names), from
 * `EXPLAIN (FORMAT JSON)` with the query's parameters bound, so partition pruning shows.
 */
export async function postgresPlanRelations<DB>(
  db: Kysely<DB>,
  query: { compile(): CompiledQuery },
): Promise<string[]> {
  const compiled = query.compile();
  const result = await db.executeQuery<{ 'QUERY PLAN': unknown }>(
    CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]),
  );
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record['Relation Name'] === 'string') names.add(record['Relation Name']);
    Object.values(record).forEach(walk);
  };
  walk(result.rows[0]?.['QUERY PLAN']);
  return [...names].sort();
}
