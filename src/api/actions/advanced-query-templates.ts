import {
  createTemplate,
  deleteTemplate,
  describeTemplates,
  getTemplate,
  type QueryTemplate,
  type TemplateContext,
  updateTemplate,
} from '../../domain/query-templates/query-templates.js';
import {
  readBoolean,
  readClearableString,
  readInteger,
  readOptionalString,
  readRequiredString,
} from '../rpc/params.js';
import type { ActionContext, ActionDefinition } from './action.js';

function templateContext({ caller, services }: ActionContext): TemplateContext {
  return { db: services.db, accountId: caller.accountId, now: services.clock.now() };
}

/** A required boolean: MissingParameter when absent, InvalidParameter when not true/false. */
function readRequiredBoolean(ctx: ActionContext, name: string): boolean {
  readRequiredString(ctx.params, name);
  return readBoolean(ctx.params, name, false);
}

/**
 * The SDK types `SimpleQuery` as a string in the Create and Update answers and as a boolean in
 * Get and Describe; each answer follows its own model.
 */
function writeAnswer(t: QueryTemplate) {
  return {
    TemplateId: t.templateId,
    TemplateName: t.templateName,
    TemplateSql: t.templateSql,
    SimpleQuery: String(t.simpleQuery),
  };
}

function readAnswer(t: QueryTemplate) {
  return {
    TemplateId: t.templateId,
    TemplateName: t.templateName,
    TemplateSql: t.templateSql,
    SimpleQuery: t.simpleQuery,
  };
}

/** CreateAdvancedQueryTemplate: `TemplateSql`, `SimpleQuery` (required), `TemplateName` (≤ 64). */
export const createAdvancedQueryTemplate: ActionDefinition = {
  name: 'CreateAdvancedQueryTemplate',
  eventRW: 'Write',
  async handle(ctx) {
    const templateSql = readRequiredString(ctx.params, 'TemplateSql');
    const simpleQuery = readRequiredBoolean(ctx, 'SimpleQuery');
    const templateName = readOptionalString(ctx.params, 'TemplateName') ?? '';
    return writeAnswer(
      await createTemplate(templateContext(ctx), { templateName, templateSql, simpleQuery }),
    );
  },
};

/** GetAdvancedQueryTemplate: `TemplateId`; unknown → 404 AdvancedQueryTemplateNotFound. */
export const getAdvancedQueryTemplate: ActionDefinition = {
  name: 'GetAdvancedQueryTemplate',
  eventRW: 'Read',
  async handle(ctx) {
    const id = readRequiredString(ctx.params, 'TemplateId');
    return readAnswer(await getTemplate(templateContext(ctx), id));
  },
};

/**
 * UpdateAdvancedQueryTemplate: `TemplateId` and any of `TemplateName` (may be sent empty to
 * clear it), `TemplateSql`, `SimpleQuery`; an absent parameter keeps its value.
 */
export const updateAdvancedQueryTemplate: ActionDefinition = {
  name: 'UpdateAdvancedQueryTemplate',
  eventRW: 'Write',
  async handle(ctx) {
    const id = readRequiredString(ctx.params, 'TemplateId');
    const templateName = readClearableString(ctx.params, 'TemplateName');
    const templateSql = readOptionalString(ctx.params, 'TemplateSql');
    const simple = readOptionalString(ctx.params, 'SimpleQuery');
    const updated = await updateTemplate(templateContext(ctx), id, {
      ...(templateName === undefined ? {} : { templateName }),
      ...(templateSql === undefined ? {} : { templateSql }),
      ...(simple === undefined
        ? {}
        : { simpleQuery: readBoolean(ctx.params, 'SimpleQuery', false) }),
    });
    return writeAnswer(updated);
  },
};

/** DeleteAdvancedQueryTemplate: `TemplateId`; unknown → 404 (Terraform: already gone). */
export const deleteAdvancedQueryTemplate: ActionDefinition = {
  name: 'DeleteAdvancedQueryTemplate',
  eventRW: 'Write',
  async handle(ctx) {
    await deleteTemplate(templateContext(ctx), readRequiredString(ctx.params, 'TemplateId'));
    return {};
  },
};

/**
 * DescribeAdvancedQueryTemplate: `TemplateName` (case-insensitive substring), `PageNumber`
 * (≥ 1, default 1), `PageSize` (1–100, default 20 **(choice of maximum)**). `PageNumber` and
 * `PageSize` are strings in the answer, `Total` a number, as the SDK model types them.
 */
export const describeAdvancedQueryTemplate: ActionDefinition = {
  name: 'DescribeAdvancedQueryTemplate',
  eventRW: 'Read',
  async handle(ctx) {
    const pageNumber = readInteger(ctx.params, 'PageNumber', { min: 1, default: 1 });
    const pageSize = readInteger(ctx.params, 'PageSize', { min: 1, max: 100, default: 20 });
    const nameLike = readOptionalString(ctx.params, 'TemplateName');
    const { templates, total } = await describeTemplates(templateContext(ctx), {
      nameLike,
      pageNumber,
      pageSize,
    });
    return {
      TemplatePage: {
        PageNumber: String(pageNumber),
        PageSize: String(pageSize),
        TemplateList: templates.map(readAnswer),
        Total: total,
      },
    };
  },
};
