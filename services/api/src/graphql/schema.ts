import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './errors.js';
import './mutations.js';
import './household.js';
import './roll.js';
import './snapshot.js';
import './indicators.js';
import './audit.js';
import './exit-review.js';
import './subscription.js';
import './assessment.js';
import './assessment-mutations.js';
import './areas.js';
import './area-names.js';
import './policy.js';
import './alerts.js';
import './log.js';
import './read-access.js';

builder.queryType({ description: 'Reads. Every field answers only within your area.' });
builder.mutationType({
  description: 'Commands. Each appends all its events or none, and is handled once per commandId.',
});
builder.subscriptionType({ description: 'Live events over server-sent events.' });

export const schema = builder.toSchema();

/** The SDL as checked in at schema/registry.graphql. */
export const printSdl = (): string => `${printSchema(lexicographicSortSchema(schema))}\n`;
