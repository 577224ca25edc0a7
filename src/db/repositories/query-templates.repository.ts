import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { AdvancedQueryTemplatesTable, Database } from '../schema.js';

export type QueryTemplateRow = Selectable<AdvancedQueryTemplatesTable>;

export async function insertQueryTemplate(
  db: Kysely<Database>,
  row: Insertable<AdvancedQueryTemplatesTable>,
): Promise<QueryTemplateRow> {
  return db
    .insertInto('advanced_query_templates')
    .values(row)
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
