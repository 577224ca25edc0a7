import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  deleteQueryTemplate,
  findQueryTemplate,
  insertQueryTemplate,
  pageQueryTemplates,
  type QueryTemplateRow,
  updateQueryTemplate,
} from '../../db/repositories/query-templates.repository.js';
import type { Database } from '../../db/schema.js';
import { ApiError, errors } from '../../errors/api-error.js';

/**
 * Advanced query templates: a named query statement an account keeps for the console's advanced
 * query. opentrail stores and returns them; it does not run them (CreateAdvancedQueryHistory is
 * not served) **(choice)**.
 */
export interface QueryTemplate {
  templateId: string;
  templateName: string;
  templateSql: string;
  simpleQuery: boolean;
}

export interface TemplateContext {
  db: Kysely<Database>;
  accountId: string;
  now: number;
}

/** SDK: "The name of the template, which can contain a maximum of 64 characters." */
export const MAX_TEMPLATE_NAME = 64;
/** Not documented; large enough for any console query **(choice)**. */
export const MAX_TEMPLATE_SQL = 16_384;

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `utpl-` + 22 letters and digits, the shape of the SDK's examples. */
export function newTemplateId(): string {
  let id = 'utpl-';
  for (let i = 0; i < 22; i++) id += ID_CHARS[randomInt(ID_CHARS.length)];
  return id;
}

function toTemplate(row: QueryTemplateRow): QueryTemplate {
  return {
    templateId: row.template_id,
    templateName: row.template_name,
    templateSql: row.template_sql,
    simpleQuery: row.simple_query === 1,
  };
}

function notFound(): ApiError {
  return new ApiError('AdvancedQueryTemplateNotFound');
}

export function checkTemplateName(name: string): void {
  if ([...name].length > MAX_TEMPLATE_NAME) {
    throw errors.invalidParameter(
      'TemplateName',
      `It may have at most ${MAX_TEMPLATE_NAME} characters.`,
    );
  }
}

export function checkTemplateSql(sql: string): void {
  if (sql.length > MAX_TEMPLATE_SQL) {
    throw errors.invalidParameter(
      'TemplateSql',
      `It may have at most ${MAX_TEMPLATE_SQL} characters.`,
    );
  }
}

export async function createTemplate(
  ctx: TemplateContext,
  input: { templateName: string; templateSql: string; simpleQuery: boolean },
): Promise<QueryTemplate> {
  checkTemplateName(input.templateName);
  checkTemplateSql(input.templateSql);
  const row = await insertQueryTemplate(ctx.db, {
    template_id: newTemplateId(),
    account_id: ctx.accountId,
    template_name: input.templateName,
    template_sql: input.templateSql,
    simple_query: input.simpleQuery ? 1 : 0,
    created_at: ctx.now,
    updated_at: ctx.now,
  });
  return toTemplate(row);
}

/** The account's template; 404 AdvancedQueryTemplateNotFound otherwise (also another account's). */
export async function getTemplate(
  ctx: TemplateContext,
  templateId: string,
): Promise<QueryTemplate> {
  const row = await findQueryTemplate(ctx.db, ctx.accountId, templateId);
  if (!row) throw notFound();
  return toTemplate(row);
}

export async function updateTemplate(
  ctx: TemplateContext,
  templateId: string,
  changes: Partial<Omit<QueryTemplate, 'templateId'>>,
): Promise<QueryTemplate> {
  if (changes.templateName !== undefined) checkTemplateName(changes.templateName);
  if (changes.templateSql !== undefined) checkTemplateSql(changes.templateSql);
  const row = await updateQueryTemplate(ctx.db, ctx.accountId, templateId, {
    ...(changes.templateName === undefined ? {} : { template_name: changes.templateName }),
    ...(changes.templateSql === undefined ? {} : { template_sql: changes.templateSql }),
    ...(changes.simpleQuery === undefined ? {} : { simple_query: changes.simpleQuery ? 1 : 0 }),
    updated_at: ctx.now,
  });
  if (!row) throw notFound();
  return toTemplate(row);
}

export async function deleteTemplate(ctx: TemplateContext, templateId: string): Promise<void> {
  if (!(await deleteQueryTemplate(ctx.db, ctx.accountId, templateId))) throw notFound();
}

export async function describeTemplates(
  ctx: TemplateContext,
  query: { nameLike: string | undefined; pageNumber: number; pageSize: number },
): Promise<{ templates: QueryTemplate[]; total: number }> {
  const { rows, total } = await pageQueryTemplates(
    ctx.db,
    ctx.accountId,
    query.nameLike,
    (query.pageNumber - 1) * query.pageSize,
    query.pageSize,
  );
  return { templates: rows.map(toTemplate), total };
}
