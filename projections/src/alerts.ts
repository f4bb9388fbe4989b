import type pg from 'pg';
import { areaCondition } from './areas.js';
import type { RegistryProjection } from './registry-projection.js';
import type { AlertView } from './view.js';

/** An alert on the village's queue, with the household it is about. */
export interface QueuedAlert {
  householdId: string;
  cardNumber: string | null;
  status: string;
  villageCode: string | null;
  address: string | null;
  alert: AlertView;
}

export interface AlertQueue {
  /** Alerts of the area not yet verified, and of those the ones past their date. */
  pending: number;
  overdue: number;
  items: QueuedAlert[];
}

/**
 * 风险预警 queue of an area: the alerts not yet verified, those past their verification date
 * first (the longest overdue on top), then by date due; with `pending: false`, the verified ones
 * follow, latest first. `today` is the date the overdue ones are counted at (China's date).
 */
export async function alertQueue(
  db: pg.Pool,
  projection: Pick<RegistryProjection, 'tables'>,
  query: { areaCode: string; today: string; pending: boolean; limit: number },
): Promise<AlertQueue> {
  const t = projection.tables;
  const where = `${areaCondition(query.areaCode, '$1', 'h.')}`;
  const counts = await db.query<{ pending: number; overdue: number }>(
    `SELECT count(*)::int AS pending, count(*) FILTER (WHERE a.verify_by < $2::date)::int AS overdue
       FROM ${t.alerts} a JOIN ${t.households} h ON h.household_id = a.household_id
      WHERE ${where} AND a.verified_on IS NULL`,
    [query.areaCode, query.today],
  );
  const rows = await db.query<{
    household_id: string;
    card_number: string | null;
    status: string;
    village_code: string | null;
    address: string | null;
    alert_id: string;
    channel: string;
    department: string | null;
    risks: string[];
    detail: string;
    raised_on: string;
    verify_by: string;
    identify_by: string;
    verified_on: string | null;
    outcome: string | null;
    income: string | null;
    category: string | null;
  }>(
    `SELECT h.household_id, h.card_number, h.status, h.village_code, h.state->'household'->>'address' AS address,
            a.alert_id, a.channel, a.department, a.risks, a.detail,
            to_char(a.raised_on, 'YYYY-MM-DD') AS raised_on, to_char(a.verify_by, 'YYYY-MM-DD') AS verify_by,
            to_char(a.identify_by, 'YYYY-MM-DD') AS identify_by, to_char(a.verified_on, 'YYYY-MM-DD') AS verified_on,
            a.outcome, a.income_per_capita_fen::text AS income, a.category
       FROM ${t.alerts} a JOIN ${t.households} h ON h.household_id = a.household_id
      WHERE ${where}${query.pending ? ' AND a.verified_on IS NULL' : ''}
      ORDER BY a.verified_on IS NOT NULL, a.verified_on DESC, a.verify_by, a.raised_on, a.alert_id
      LIMIT $2`,
    [query.areaCode, query.limit],
  );
  const counted = counts.rows[0] ?? { pending: 0, overdue: 0 };
  return {
    pending: counted.pending,
    overdue: counted.overdue,
    items: rows.rows.map((r) => ({
      householdId: r.household_id,
      cardNumber: r.card_number,
      status: r.status,
      villageCode: r.village_code,
      address: r.address,
      alert: {
        alertId: r.alert_id,
        channel: r.channel,
        department: r.department,
        risks: r.risks,
        detail: r.detail,
        raisedOn: r.raised_on,
        verifyBy: r.verify_by,
        identifyBy: r.identify_by,
        verification:
          r.verified_on && r.outcome
            ? {
                verifiedOn: r.verified_on,
                outcome: r.outcome,
                incomePerCapitaFen: r.income === null ? null : Number(r.income),
                category: r.category,
              }
            : null,
      },
    })),
  };
}
