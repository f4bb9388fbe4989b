import { FIVE_ITEMS, type KeptTables, TRANSITIONS } from './area-years.js';
import { yearFactsSql, yearFundsSql } from './year-facts.js';

/**
 * The three ways `areaIndicators` reaches one answer, as SQL. Each yields rows of one shape
 * (status, year, households, people, …, compliant) that the caller sums by status, and fund
 * rows (category, source, planned, delivered, rows) summed by category and source.
 *
 * - `kept`: the roll-up by village of the households' kept years (area-years.ts); right when
 *   nothing was recorded after the time asked.
 * - `amended`: the roll-up, less the kept years of the households recorded since the time
 *   asked, plus those households' years worked out as known then. A household with nothing
 *   recorded since has the same years as known then as now, so the sum is exact; its cost
 *   grows with the households recorded since, not with the area.
 * - `exact`: every household's year worked out from the two-clock history and the audit.
 *
 * Parameters: $1 area code, $2 year; `amended` and `exact` add $3 (31 December) and $4 (known
 * at); the visit minimum is `minimum` (the next one, read by the status rows only).
 */
export type IndicatorsWay = 'kept' | 'amended' | 'exact';

interface Tables extends KeptTables {
  history: string;
  audit: string;
}

const FIVE_ITEM_COLUMNS = Object.keys(FIVE_ITEMS);

const ROLL_OR_EXITED = `('registered', 'returned', 'exited')`;

export function indicatorsSql(
  t: Tables,
  way: IndicatorsWay,
  area: (alias: string) => string,
  minimum: string,
): { byStatus: string; funds: string } {
  // A kept row of a year before $2 is a household's last: it stands for $2 with no visits.
  const compliantOne = `CASE WHEN f.year = $2 THEN (f.visits >= ${minimum})::int WHEN ${minimum} <= 0 THEN 1 ELSE 0 END`;
  const perHousehold = (source: string, sign: string) =>
    `SELECT f.status, f.year, ${sign} AS households, ${sign} * f.people AS people, ${sign} * f.monitored::int AS monitored,
            ${TRANSITIONS.map((c) => `${sign} * f.${c} AS ${c}`).join(', ')},
            ${Object.entries(FIVE_ITEMS)
              .map(([c, condition]) => `${sign} * (${condition})::int AS ${c}`)
              .join(', ')},
            ${sign} * (${compliantOne}) AS compliant
       FROM ${source} f`;
  const visitsAtLeast = `(SELECT coalesce(sum(h.value::int), 0) FROM jsonb_each_text(f.visits) h WHERE h.key::int >= ${minimum})`;
  const rolled = `SELECT f.status, f.year, f.households, f.people, f.monitored,
            ${[...TRANSITIONS, ...FIVE_ITEM_COLUMNS].map((c) => `f.${c}`).join(', ')},
            CASE WHEN f.year = $2 THEN ${visitsAtLeast} WHEN ${minimum} <= 0 THEN f.households ELSE 0 END AS compliant
       FROM (SELECT * FROM ${t.areaYears} f WHERE ${area('f.')} AND f.year = $2
             UNION ALL SELECT * FROM ${t.areaYears} f WHERE ${area('f.')} AND f.last AND f.year < $2) f`;
  const rolledFunds = `SELECT f.category, f.funding_source, f.planned_fen, f.delivered_fen, f.fund_rows
       FROM ${t.areaYearFunds} f WHERE ${area('f.')} AND f.year = $2`;
  const fundRows = (source: string, sign: string) =>
    `SELECT f.category, f.funding_source, ${sign} * f.planned_fen, ${sign} * f.delivered_fen, ${sign} FROM ${source} f`;

  // The households as known at $4 on 31 December ($3) in the area; `only` narrows them.
  const pairs = (only = '') => `SELECT s.household_id, $2::int AS year, false AS last FROM ${t.history} s
       WHERE ${area('s.')}
         AND s.effective_from <= $3::date AND (s.effective_to IS NULL OR s.effective_to > $3::date)
         AND s.recorded_from <= $4::timestamptz AND (s.recorded_to IS NULL OR s.recorded_to > $4::timestamptz)${only}`;
  const exactFacts = (only?: string) => `(${yearFactsSql(t, pairs(only), '$4::timestamptz', '$3::date')})`;
  const exactFunds = (only?: string) => `(${yearFundsSql(t, pairs(only), '$4::timestamptz', '$3::date')})`;

  let parts: string[];
  let funds: string[];
  switch (way) {
    case 'kept':
      parts = [rolled];
      funds = [rolledFunds];
      break;
    case 'exact':
      parts = [perHousehold(exactFacts(), '1')];
      funds = [fundRows(exactFunds(), '1')];
      break;
    case 'amended': {
      const since = `(SELECT a.household_id FROM ${t.audit} a WHERE a.recorded_at > $4::timestamptz)`;
      const onlySince = (alias: string) => ` AND ${alias}household_id IN ${since}`;
      parts = [
        rolled,
        perHousehold(
          `(SELECT * FROM ${t.years} f WHERE ${area('f.')} AND (f.year = $2 OR (f.last AND f.year < $2))${onlySince('f.')})`,
          '-1',
        ),
        perHousehold(exactFacts(onlySince('s.')), '1'),
      ];
      funds = [
        rolledFunds,
        fundRows(`(SELECT * FROM ${t.yearFunds} f WHERE ${area('f.')} AND f.year = $2${onlySince('f.')})`, '-1'),
        fundRows(exactFunds(onlySince('s.')), '1'),
      ];
      break;
    }
  }
  const roll = `f.status IN ${ROLL_OR_EXITED}`;
  const ofYear = (c: string) => `sum(CASE WHEN f.year = $2 THEN f.${c} ELSE 0 END) AS ${c}`;
  return {
    byStatus: `SELECT f.status, sum(f.households) AS households, sum(f.people) AS people, sum(f.monitored) AS monitored,
            ${TRANSITIONS.map(ofYear).join(', ')},
            sum(f.households) FILTER (WHERE ${roll}) AS on_roll,
            ${[...FIVE_ITEM_COLUMNS, 'compliant'].map((c) => `sum(f.${c}) FILTER (WHERE ${roll}) AS ${c}`).join(', ')}
       FROM (${parts.join('\n       UNION ALL ')}) f
      GROUP BY f.status HAVING sum(f.households) <> 0`,
    funds: `SELECT f.category, f.funding_source, sum(f.planned_fen) AS planned, sum(f.delivered_fen) AS delivered
       FROM (${funds.join('\n       UNION ALL ')}) f (category, funding_source, planned_fen, delivered_fen, fund_rows)
      GROUP BY 1, 2 HAVING sum(f.fund_rows) > 0 ORDER BY 1, 2`,
  };
}
