import type { Request, Response } from 'express';
import { type Viewer, withinScope } from '../auth.js';
import type { ApiDeps } from '../graphql/context.js';
import { uploadForDuty } from './read.js';
import { importRoll } from './write.js';

/** The largest roll file taken over HTTP (a county's roll of 100,000 households as xlsx is about 15 MB). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/**
 * `POST /import?name=<file name>` with the file as the body (CSV or .xlsx): a county's clerk
 * imports an existing roll. 200 with what was written; 422 with every problem (row, column,
 * rule in Chinese and English) and nothing written; 400 for a file that is no table; 403 for a
 * role or level that does not import (the policy's `dutyLevels.import`).
 */
export async function importHttp(deps: ApiDeps, viewer: Viewer, req: Request, res: Response): Promise<void> {
  const file = await uploadForDuty(deps, viewer, req, res, {
    duty: 'import',
    refused: (allowed) => `导入名册由${allowed?.includes('county') ? '县级' : ''}扶贫专干办理`,
    what: 'importing a roll',
    missing: { zh: '请上传名册文件（CSV 或 Excel）', en: 'send the roll file as the body' },
  });
  if (!file) return;
  const outcome = await importRoll(deps.eventStore, file, {
    policy: await deps.policies.timeline(),
    actor: viewer.actor,
    canSee: (village) => withinScope(viewer.scope, village),
    now: new Date(),
  });
  res.status(outcome.problems.length > 0 ? 422 : 200).json(outcome);
}
