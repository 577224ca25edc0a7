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
