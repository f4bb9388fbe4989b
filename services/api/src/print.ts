import type { PersonalField } from '@registry/eventstore/log';
import { findHouseholds, HOUSEHOLD_ID, loadHouseholds, type RollRow } from '@registry/projections';
import { AreaCode, areaLevelOf, chinaDate, townshipOf } from '@registry/schema';
import { enumLabel, formatDate, formatYuan } from '@registry/schema/messages';
import type { Request, Response } from 'express';
import { escapeHtml as e } from './assessment-report/html.js';
import { Forbidden, requireArea, requireRole, type Viewer, withinScope } from './auth.js';
import type { ApiDeps } from './graphql/context.js';
import { maskPersonalData, personalFieldsIn } from './mask.js';
import { codedBody, notRecordedBody, recordRead, refusalBody } from './read-ledger.js';

/**
 * The paper a village posts or hands out, as printable pages like the assessment report: plain
 * HTML with its own print styles and no script, so it prints the same from any browser and can
 * be archived as it was printed.
 *
 * - GET /print/notice?areaCode=<village or township>: the 公示 notice of the households whose
 *   case has that level's notice open (identification or exit), with the period and where to
 *   object;
 * - GET /print/household/:id: a household's 明白卡 (members as the role may see them, the helper,
 *   the measures, the visits, the income found).
 *
 * Assessors see names, ID numbers and phones masked, as everywhere.
 */

const PAGE_STYLE = `body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "SimSun", serif; margin: 2em auto; max-width: 48em; color: #111; }
h1 { text-align: center; font-size: 1.7em; letter-spacing: .1em; margin-bottom: .2em; }
.sub { text-align: center; color: #444; margin-top: 0; }
h2 { font-size: 1.15em; margin-top: 1.4em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; } th, td { border: 1px solid #555; padding: .35em .5em; text-align: left; }
thead th { background: #eee; } p { line-height: 1.8; } .sign { text-align: right; margin-top: 3em; line-height: 2; }
@media print { body { margin: 0; max-width: none; } table { break-inside: auto; } tr { break-inside: avoid; } }`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${e(title)}</title><style>${PAGE_STYLE}</style></head>
<body>
${body}
</body></html>
`;
}

function refuse(req: Request, res: Response, error: unknown): boolean {
  if (error instanceof Forbidden) {
    res.status(403).json(codedBody('FORBIDDEN', error.message, req));
    return true;
  }
  return false;
}

const date = (iso: string | null | undefined) => (iso ? formatDate(iso, 'zh') : '—');
const headOf = (row: RollRow) => row.members.find((m) => m.memberId === row.headMemberId) ?? row.members[0];

/** GET /print/notice: the 公示 notice of a village (or a township's notice of its villages). */
export async function printNotice(deps: ApiDeps, viewer: Viewer, req: Request, res: Response): Promise<void> {
  const code = AreaCode.safeParse(req.query.areaCode);
  if (!code.success || !['village', 'township'].includes(areaLevelOf(code.data))) {
    res.status(400).json(refusalBody('areaCode: must be the 12-digit code of a village or a township', req));
    return;
  }
  try {
    requireRole(viewer, ['clerk', 'evaluator', 'admin'], 'print notices');
    requireArea(viewer, code.data, `area ${code.data}`);
  } catch (error) {
    if (refuse(req, res, error)) return;
    throw error;
  }
  const level = areaLevelOf(code.data) as 'village' | 'township';
  const today = chinaDate(new Date());
  // Every household of the area whose case has this level's notice open, page by page.
  const rows: RollRow[] = [];
  for (let after: string | undefined, more = true; more; ) {
    const batch = await findHouseholds(
      deps.pool,
      deps.projections.registry,
      { areaCode: code.data },
      { after, limit: 1000 },
    );
    rows.push(...batch.filter((r) => r.openCase?.notice?.level === level));
    after = batch.at(-1)?.householdId;
    more = batch.length === 1000;
  }
  const shown = viewer.masked ? rows.map(maskPersonalData) : rows;
  // The heads' names, printed to be posted: recorded as a read with the notice as its purpose.
  const recorded = await recordRead(deps, viewer, {
    operation: `GET /print/notice ${code.data}`,
    purpose: '打印公示名单（张榜公示）',
    households: rows.map((r) => r.householdId),
    fields: ['name'],
  });
  if (!recorded) {
    res.status(503).set('Retry-After', '5').json(notRecordedBody(req));
    return;
  }
  const villages = [...new Set(rows.map((r) => r.villageCode).filter((v): v is string => v !== null))];
  const names = await deps.names.areas([code.data, townshipOf(code.data), ...villages], {
    effectiveOn: today,
    knownAt: new Date().toISOString(),
  });
  const nameOf = (c: string) => names.get(c)?.name ?? c;
  const place = level === 'village' ? `${nameOf(townshipOf(code.data))}${nameOf(code.data)}` : nameOf(code.data);
  const committee = level === 'village' ? `${nameOf(code.data)}村民委员会` : `${place}人民政府`;
  const sections = (['identification', 'exit'] as const).map((kind) => {
    const mine = shown.filter((r) => r.openCase?.kind === kind);
    if (mine.length === 0) return '';
    const periods = [
      ...new Set(mine.map((r) => `${date(r.openCase?.notice?.openedOn)} 至 ${date(r.openCase?.notice?.closesOn)}`)),
    ];
    const lead =
      kind === 'identification'
        ? '经农户申请、村民代表大会民主评议，下列农户拟纳入建档立卡贫困户，现予公示。'
        : '经入户核实、村民代表大会民主评议，下列贫困户拟退出，现予公示。';
    const rowsHtml = mine
      .map((r, i) => {
        const head = headOf(r);
        const cause = r.registration?.mainCause ?? r.returns.at(-1)?.mainCause;
        return `<tr><td>${i + 1}</td><td>${e(head?.name ?? '—')}</td><td>${r.members.length}</td>
<td>${e(level === 'township' && r.villageCode ? nameOf(r.villageCode) : (r.household?.group ?? ''))}</td>
<td>${e(cause ? enumLabel('PovertyCause', cause, 'zh') : '')}</td>${
          kind === 'exit'
            ? `<td>${e(formatYuan(r.exits.at(-1)?.incomePerCapitaFen ?? r.assessments.at(-1)?.incomePerCapitaFen ?? 0, 'zh'))}</td>`
            : ''
        }</tr>`;
      })
      .join('\n');
    return `<h2>${kind === 'identification' ? '拟纳入贫困户名单' : '拟退出贫困户名单'}</h2>
<p>${lead}公示期：${e(periods.join('；'))}。</p>
<table><thead><tr><th>序号</th><th>户主姓名</th><th>家庭人口</th><th>${level === 'township' ? '行政村' : '村民小组'}</th><th>主要致贫原因</th>${kind === 'exit' ? '<th>人均纯收入</th>' : ''}</tr></thead>
<tbody>${rowsHtml}</tbody></table>`;
  });
  const body = sections.filter(Boolean).join('\n');
  const title = `${place}建档立卡贫困户公示`;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.send(
    page(
      title,
      `<h1 data-print="notice">公 示</h1>
<p class="sub">${e(place)}</p>
${body || '<p>目前没有处于公示期的农户。</p>'}
<p>公示期内，对以上名单如有异议，可以书面或口头形式向${e(level === 'village' ? `${committee}或${nameOf(townshipOf(code.data))}人民政府` : committee)}反映，也可拨打扶贫监督举报电话 12317。反映情况须实事求是，署真实姓名。</p>
<p class="sign">${e(committee)}<br>${e(formatDate(today, 'zh'))}</p>`,
    ),
  );
}

/** GET /print/household/:id: a household's 明白卡. */
export async function printHouseholdCard(deps: ApiDeps, viewer: Viewer, req: Request, res: Response): Promise<void> {
  const id = String(req.params.id ?? '');
  const [row] = HOUSEHOLD_ID.test(id) ? await loadHouseholds(deps.pool, deps.projections.registry, [id]) : [];
  // Outside the caller's area a household is not there at all, as in the API.
  if (!row || (viewer.scope !== null && !(row.villageCode && withinScope(viewer.scope, row.villageCode)))) {
    res.status(404).json(codedBody('NOT_FOUND', 'no such household', req));
    return;
  }
  const r = viewer.masked ? maskPersonalData(row) : row;
  const recorded = await recordRead(deps, viewer, {
    operation: 'GET /print/household',
    purpose: null,
    households: [row.householdId],
    fields: [...personalFieldsIn(row)] as PersonalField[],
  });
  if (!recorded) {
    res.status(503).set('Retry-After', '5').json(notRecordedBody(req));
    return;
  }
  const today = chinaDate(new Date());
  const names = row.villageCode
    ? await deps.names.areas([row.villageCode], { effectiveOn: today, knownAt: new Date().toISOString() })
    : new Map();
  const village = row.villageCode ? (names.get(row.villageCode)?.fullName ?? row.villageCode) : '—';
  const head = headOf(r);
  const label = (name: Parameters<typeof enumLabel>[0], value: string | null | undefined) =>
    value ? e(enumLabel(name, value, 'zh')) : '—';
  const members = r.members
    .map(
      (m) => `<tr><td>${e(m.name)}</td><td>${label('Relation', m.relation)}</td><td>${label('Sex', m.sex)}</td>
<td>${e(m.nationalId)}</td><td>${label('Health', m.health)}</td><td>${label('LabourCapacity', m.labourCapacity)}</td><td>${label('Schooling', m.schooling)}</td></tr>`,
    )
    .join('\n');
  const measures = r.measures
    .map(
      (m) => `<tr><td>${m.year}</td><td>${label('AssistanceCategory', m.category)}</td><td>${e(m.description)}</td>
<td>${e(formatYuan(m.amountFen, 'zh'))}</td><td>${e(formatYuan(m.deliveredFen, 'zh'))}</td><td>${label('MeasureStatus', m.status)}</td></tr>`,
    )
    .join('\n');
  const visits = r.visits
    .slice(-12)
    .reverse()
    .map((v) => `<tr><td>${e(date(v.visitedOn))}</td><td>${e(v.notes)}</td></tr>`)
    .join('\n');
  const incomes = r.assessments
    .slice(-5)
    .reverse()
    .map(
      (a) =>
        `<tr><td>${a.year}</td><td>${e(formatYuan(a.incomePerCapitaFen, 'zh'))}</td><td>${e(date(a.assessedOn))}</td></tr>`,
    )
    .join('\n');
  const helper = r.helper;
  const none = (cols: number) => `<tr><td colspan="${cols}">无</td></tr>`;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.send(
    page(
      `${head?.name ?? ''} 扶贫明白卡`,
      `<h1 data-print="card">扶贫明白卡</h1>
<p class="sub">${e(village)} · 户编号 ${e(r.registration?.cardNumber ?? '—')}</p>
<table><tbody>
<tr><th>户主</th><td>${e(head?.name ?? '—')}</td><th>家庭人口</th><td>${r.members.length} 人</td></tr>
<tr><th>家庭住址</th><td colspan="3">${e(r.household?.address ?? '—')}</td></tr>
<tr><th>贫困户属性</th><td>${label('HouseholdAttribute', r.registration?.attribute)}</td><th>主要致贫原因</th><td>${label('PovertyCause', r.registration?.mainCause)}</td></tr>
<tr><th>状态</th><td>${label('HouseholdStatus', r.status)}</td><th>识别日期</th><td>${e(date(r.registration?.registeredOn))}</td></tr>
</tbody></table>
<h2>家庭成员</h2>
<table><thead><tr><th>姓名</th><th>与户主关系</th><th>性别</th><th>身份证号</th><th>健康状况</th><th>劳动能力</th><th>在校情况</th></tr></thead>
<tbody>${members || none(7)}</tbody></table>
<h2>帮扶责任人</h2>
<table><tbody><tr><th>姓名</th><td>${e(helper?.name ?? '—')}</td><th>单位</th><td>${e(helper?.unit ?? '—')}</td><th>联系电话</th><td>${e(helper?.phone ?? '—')}</td></tr></tbody></table>
<h2>帮扶措施</h2>
<table><thead><tr><th>年度</th><th>类别</th><th>内容</th><th>计划金额</th><th>已落实</th><th>状态</th></tr></thead>
<tbody>${measures || none(6)}</tbody></table>
<h2>收入情况</h2>
<table><thead><tr><th>年度</th><th>人均纯收入</th><th>核算日期</th></tr></thead><tbody>${incomes || none(3)}</tbody></table>
<h2>走访记录</h2>
<table><thead><tr><th>日期</th><th>情况</th></tr></thead><tbody>${visits || none(2)}</tbody></table>
<p class="sign">户主签字：__________　　帮扶责任人签字：__________<br>打印日期：${e(formatDate(today, 'zh'))}</p>`,
    ),
  );
}
