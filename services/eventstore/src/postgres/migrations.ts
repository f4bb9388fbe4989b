import type { Migration } from '@registry/postgres';

/**
 * The log. Order in `$all` is (transaction_id, position): `position` comes from a sequence
 * and so commits out of order, but every transaction that can still commit has an id at
 * or above the reader's snapshot xmin, so reading only below xmin never skips an event.
 */
export const EVENT_STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events, streams, append function, immutability',
    sql: `
CREATE TABLE es_events (
  transaction_id xid8 NOT NULL,
  position bigint GENERATED ALWAYS AS IDENTITY,
  stream_name text NOT NULL,
  revision bigint NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL,
  CONSTRAINT es_events_pkey PRIMARY KEY (transaction_id, position),
  CONSTRAINT es_events_stream_revision_key UNIQUE (stream_name, revision),
  CONSTRAINT es_events_event_id_key UNIQUE (event_id)
);

CREATE FUNCTION es_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % is refused: stored events are immutable; record a correcting event instead', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'RE003';
END $$;

CREATE TRIGGER es_events_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON es_events
  FOR EACH STATEMENT EXECUTE FUNCTION es_refuse_change();

-- p_expected: -2 any, -1 no stream, -4 stream exists (as EventStoreDB), >= 0 exact revision.
-- p_events: [{"id","type","data","metadata"}, ...]. One call is one round trip and one
-- transaction; a refusal raises, so nothing of the append remains.
-- Must be the first write of its transaction: the stream lock is taken before the
-- transaction gets its id, so within a stream the later writer always has the larger
-- transaction id, and $all order agrees with revision order. (Row locks assign the id
-- before they wait; advisory locks do not.)
CREATE FUNCTION es_append(p_stream text, p_expected bigint, p_events jsonb)
RETURNS TABLE (next_revision bigint, tx xid8, last_position bigint, duplicate boolean)
LANGUAGE plpgsql AS $$
DECLARE
  n integer := jsonb_array_length(p_events);
  v_first record;
  v_matching integer;
  v_current bigint;
  v_tx xid8;
  v_pos bigint;
  v_now timestamptz := date_trunc('milliseconds', clock_timestamp());
BEGIN
  SELECT e.stream_name, e.revision INTO v_first FROM es_events e WHERE e.event_id = (p_events->0->>'id')::uuid;
  IF FOUND THEN
    SELECT count(*) INTO v_matching
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, ord)
      JOIN es_events e ON e.event_id = (x.ev->>'id')::uuid
     WHERE e.stream_name = p_stream AND e.revision = v_first.revision + x.ord - 1 AND e.event_type = x.ev->>'type';
    IF v_first.stream_name = p_stream AND v_matching = n THEN
      RETURN QUERY SELECT e.revision, e.transaction_id, e.position, true
        FROM es_events e WHERE e.stream_name = p_stream AND e.revision = v_first.revision + n - 1;
      RETURN;
    END IF;
    RAISE EXCEPTION 'event id % is already stored in stream "%" at revision %, but this append differs from that one',
      p_events->0->>'id', v_first.stream_name, v_first.revision USING ERRCODE = 'RE002';
  END IF;

  -- Writers of one stream queue here; the statement below then sees the last one's
  -- commit (each statement of a volatile function takes a fresh snapshot).
  PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 0));
  SELECT coalesce(max(e.revision), -1) INTO v_current FROM es_events e WHERE e.stream_name = p_stream;

  IF (p_expected = -1 AND v_current <> -1)
     OR (p_expected = -4 AND v_current = -1)
     OR (p_expected >= 0 AND v_current <> p_expected) THEN
    RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'RE001', DETAIL = v_current::text;
  END IF;

  v_tx := pg_current_xact_id();
  WITH inserted AS (
    INSERT INTO es_events (transaction_id, stream_name, revision, event_id, event_type, data, metadata, recorded_at)
    SELECT v_tx, p_stream, v_current + x.ord, (x.ev->>'id')::uuid, x.ev->>'type', x.ev->'data', x.ev->'metadata', v_now
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, ord)
     ORDER BY x.ord
    RETURNING position
  )
  SELECT max(position) INTO v_pos FROM inserted;

  RETURN QUERY SELECT v_current + n, v_tx, v_pos, false;
END $$;
`,
  },
  {
    version: 2,
    name: 'append returns every event its position and recording time',
    // The same append, answering with each event's position (in revision order) and the
    // recording time they share, so a writer need not read back what it wrote. A retry
    // answers with those of the events it matched.
    sql: `
DROP FUNCTION es_append(text, bigint, jsonb);
CREATE FUNCTION es_append(p_stream text, p_expected bigint, p_events jsonb)
RETURNS TABLE (next_revision bigint, tx xid8, positions bigint[], recorded_at timestamptz, duplicate boolean)
LANGUAGE plpgsql AS $$
DECLARE
  n integer := jsonb_array_length(p_events);
  v_first record;
  v_matching integer;
  v_current bigint;
  v_tx xid8;
  v_positions bigint[];
  v_now timestamptz := date_trunc('milliseconds', clock_timestamp());
BEGIN
  SELECT e.stream_name, e.revision INTO v_first FROM es_events e WHERE e.event_id = (p_events->0->>'id')::uuid;
  IF FOUND THEN
    SELECT count(*) INTO v_matching
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, ord)
      JOIN es_events e ON e.event_id = (x.ev->>'id')::uuid
     WHERE e.stream_name = p_stream AND e.revision = v_first.revision + x.ord - 1 AND e.event_type = x.ev->>'type';
    IF v_first.stream_name = p_stream AND v_matching = n THEN
      RETURN QUERY SELECT v_first.revision + n - 1, (array_agg(e.transaction_id))[1],
                          array_agg(e.position ORDER BY e.revision), max(e.recorded_at), true
        FROM es_events e
       WHERE e.stream_name = p_stream AND e.revision BETWEEN v_first.revision AND v_first.revision + n - 1;
      RETURN;
    END IF;
    RAISE EXCEPTION 'event id % is already stored in stream "%" at revision %, but this append differs from that one',
      p_events->0->>'id', v_first.stream_name, v_first.revision USING ERRCODE = 'RE002';
  END IF;

  -- Writers of one stream queue here; the statement below then sees the last one's
  -- commit (each statement of a volatile function takes a fresh snapshot).
  PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 0));
  SELECT coalesce(max(e.revision), -1) INTO v_current FROM es_events e WHERE e.stream_name = p_stream;

  IF (p_expected = -1 AND v_current <> -1)
     OR (p_expected = -4 AND v_current = -1)
     OR (p_expected >= 0 AND v_current <> p_expected) THEN
    RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'RE001', DETAIL = v_current::text;
  END IF;

  v_tx := pg_current_xact_id();
  WITH inserted AS (
    INSERT INTO es_events (transaction_id, stream_name, revision, event_id, event_type, data, metadata, recorded_at)
    SELECT v_tx, p_stream, v_current + x.ord, (x.ev->>'id')::uuid, x.ev->>'type', x.ev->'data', x.ev->'metadata', v_now
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, ord)
     ORDER BY x.ord
    RETURNING revision, position
  )
  SELECT array_agg(position ORDER BY revision) INTO v_positions FROM inserted;

  RETURN QUERY SELECT v_current + n, v_tx, v_positions, v_now, false;
END $$;
`,
  },
];
