import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { AdvancedQueryTemplatesTable, Database } from '../schema.js';

export type QueryTemplateRow = Selectable<AdvancedQueryTemplatesTable>;

/**
 * Stores a template. Its `created_at` is `row.created_at` or, when the account already has a
 * template at or after that millisecond, one past the newest: DescribeAdvancedQueryTemplate
 * lists oldest first, and two templates created in one millisecond would otherwise be ordered
 * by their random ids. One statement, so SQLite's single writer keeps it strict; on
 * PostgreSQL only truly concurrent creates can still share a millisecond.
 */
export async function insertQueryTemplate(
  db: Kysely<Database>,
  row: Insertable<AdvancedQueryTemplatesTable>,
): Promise<QueryTemplateRow> {
  const at = row.created_at;
  const createdAt = sql<number>`coalesce((select max(created_at) + 1 from advanced_query_templates
    where account_id = ${row.account_id} and created_at >= ${at}), ${at})`;
  return db
    .insertInto('advanced_query_templates')
    .values({ ...row, created_at: createdAt })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findQueryTemplate(
  db: Kysely<Database>,
  accountId: string,
  templateId: string,
): Promise<QueryTemplateRow | undefined> {
  return db
    .selectFrom('advanced_query_templates')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('template_id', '=', templateId)
    .executeTakeFirst();
}

export async function updateQueryTemplate(
  db: Kysely<Database>,
  accountId: string,
  templateId: string,
  patch: Updateable<AdvancedQueryTemplatesTable>,
): Promise<QueryTemplateRow | undefined> {
  return db
    .updateTable('advanced_query_templates')
    .set(patch)
    .where('account_id', '=', accountId)
    .where('template_id', '=', templateId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteQueryTemplate(
  db: Kysely<Database>,
  accountId: string,
  templateId: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('advanced_query_templates')
    .where('account_id', '=', accountId)
    .where('template_id', '=', templateId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * One page of the account's templates, oldest first, and the total. `nameLike` is a
 * case-insensitive substring (DescribeAdvancedQueryTemplate's fuzzy TemplateName match), done
 * on lower() of both sides so SQLite and PostgreSQL agree.
 */
export async function pageQueryTemplates(
  db: Kysely<Database>,
  accountId: string,
  nameLike: string | undefined,
  offset: number,
  limit: number,
): Promise<{ rows: QueryTemplateRow[]; total: number }> {
  let base = db.selectFrom('advanced_query_templates').where('account_id', '=', accountId);
  if (nameLike !== undefined) {
    const escaped = nameLike.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    // An explicit ESCAPE: SQLite has no default escape character, PostgreSQL's is `\`.
    base = base.where(sql<boolean>`lower(template_name) like ${`%${escaped}%`} escape '\\'`);
  }
  const total = await base
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('created_at')
    .orderBy('template_id')
    .offset(offset)
    .limit(limit)
    .execute();
  return { rows, total: Number(total.n) };
}
