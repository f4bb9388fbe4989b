/**
 * 防返贫监测 periods worked out from the audit trail: the one definition the monitoring
 * indicators' exact way (monitoring-indicators.ts) and the kept table's migration share.
 */

/** Events that begin or end a monitoring period (monitoring.ts `endMonitoring`). */
const PERIOD_EVENTS = `('MonitoringStarted', 'MonitoringEnded', 'NaturalDecreaseRecorded', 'ReturnedToPoverty')`;

/**
 * Every monitoring period of the households `only` selects (a condition on `a.household_id`,
 * or none for all) as known at `knownAt`, worked out from the audit trail as the fold does:
 * in stream order, each 纳入监测 (with its latest correction recorded by then) begins one,
 * ended by the household's next 风险消除, 返贫 or 自然减少. Columns: household_id, period
 * (0, 1, …), category, risks, started_on, ended_on, ended ('eliminated' | 'returned' |
 * 'decreased' | null). The projection keeps the same rows (rows.ts `monitoringRows`), and its
 * migration fills them from this with knownAt = infinity.
 */
export function monitoringPeriodsSql(t: { audit: string }, knownAt: string, only = 'true'): string {
  return `WITH pev AS (
    SELECT a.household_id, a.event_id, a.revision, a.event_type, a.effective_at, a.changes FROM ${t.audit} a
     WHERE a.event_type IN ${PERIOD_EVENTS} AND a.recorded_at <= ${knownAt} AND ${only}
  ),
  fixes AS (
    SELECT DISTINCT ON (a.household_id, a.changes->>'correctedEventId') a.household_id,
           (a.changes->>'correctedEventId')::uuid AS event_id, a.changes->'replacementData' AS data
      FROM ${t.audit} a
     WHERE a.event_type = 'EventCorrected' AND a.changes->>'correctedType' = 'MonitoringStarted'
       AND a.changes->>'action' = 'replace' AND a.recorded_at <= ${knownAt} AND ${only}
     ORDER BY a.household_id, a.changes->>'correctedEventId', a.revision DESC
  ),
  starts AS (
    SELECT s.household_id, s.revision, s.effective_at, coalesce(f.data, s.changes) AS data,
           (row_number() OVER w)::int - 1 AS period, lead(s.revision) OVER w AS next_start
      FROM pev s LEFT JOIN fixes f ON f.household_id = s.household_id AND f.event_id = s.event_id
     WHERE s.event_type = 'MonitoringStarted'
    WINDOW w AS (PARTITION BY s.household_id ORDER BY s.revision)
  )
  SELECT st.household_id, st.period, st.data->>'category' AS category,
         ARRAY(SELECT jsonb_array_elements_text((st.data->'risks')::jsonb)) AS risks,
         st.effective_at AS started_on, en.effective_at AS ended_on,
         CASE en.event_type WHEN 'MonitoringEnded' THEN 'eliminated' WHEN 'ReturnedToPoverty' THEN 'returned'
              WHEN 'NaturalDecreaseRecorded' THEN 'decreased' END AS ended
    FROM starts st LEFT JOIN LATERAL (
      SELECT e.event_type, e.effective_at FROM pev e
       WHERE e.household_id = st.household_id AND e.event_type <> 'MonitoringStarted'
         AND e.revision > st.revision AND (st.next_start IS NULL OR e.revision < st.next_start)
       ORDER BY e.revision LIMIT 1) en ON true`;
}

/** Columns of the kept periods table, in order. */
export const MONITORING_COLUMNS = [
  'household_id',
  'period',
  'category',
  'risks',
  'started_on',
  'ended_on',
  'ended',
] as const;
