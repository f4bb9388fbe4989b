import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import type { Context } from './context.js';

/**
 * A connection's cost multiplies its selection by the page asked for (default page 50), so a
 * page of households each with a page of history costs their product.
 */
export const pageComplexity = (args: { first?: number | null; last?: number | null }) => ({
  field: 1,
  multiplier: args.first ?? args.last ?? 50,
});

/** Query limits: deep or wide queries are refused before they run. */
export const LIMITS = { depth: 12, breadth: 300, complexity: 20_000 } as const;

/** The schema builder. It defines no types: types live beside the fields that return them. */
export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    /** A calendar date YYYY-MM-DD. */
    Date: { Input: string; Output: string };
    /** An instant, ISO 8601 with time zone. */
    DateTime: { Input: string; Output: string };
    /** A position in the global event log: an opaque token that sorts as a string. */
    Position: { Input: string; Output: string };
    /** A 12-digit statistical area code. */
    AreaCode: { Input: string; Output: string };
    /** Money in fen (1 yuan = 100 fen), a whole number. */
    Fen: { Input: number; Output: number };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  defaultFieldNullability: false,
  plugins: [ErrorsPlugin, RelayPlugin, ComplexityPlugin],
  relay: { clientMutationId: 'omit', cursorType: 'String', nodeQueryOptions: false, nodesQueryOptions: false },
  errors: { defaultTypes: [] },
  complexity: { defaultComplexity: 1, defaultListMultiplier: 10, limit: LIMITS },
});
