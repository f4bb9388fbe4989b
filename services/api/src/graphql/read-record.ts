import { type ExecutionArgs, type ExecutionResult, GraphQLError, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { PURPOSE_RULE } from '../read-ledger.js';
import type { Context } from './context.js';
import { badInput, ERROR_CODES } from './problems.js';

/** How a request is named in the record of reads: its kind and root fields, e.g. `query household`. */
export function operationOf(args: Pick<ExecutionArgs, 'document' | 'operationName'>): string {
  const operation = args.document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (args.operationName == null || d.name?.value === args.operationName),
  );
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return 'graphql';
  const roots = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
  return `${operation.operation} ${[...new Set(roots)].join(',')}`.slice(0, 300);
}

/**
 * Records each answer's unmasked personal data before it is sent (ReadLedger, ReadRecorder).
 * An answer whose read cannot be recorded is replaced by an error and never served; so is one
 * whose bulk read states no purpose. A subscription records each event it sends.
 */
export function recordReads(logger?: { error(obj: object, msg: string): void }): Plugin {
  const settler = (args: ExecutionArgs) => {
    const ctx = args.contextValue as Context;
    const operation = operationOf(args);
    ctx.reads.operation = operation;
    return async (setResult: (result: ExecutionResult) => void) => {
      const unstated = ctx.reads.unstatedPurposes();
      if (unstated.length > 0) {
        ctx.reads.clear();
        setResult({ errors: [badInput('purpose', `${PURPOSE_RULE} (${unstated.join(', ')})`)] });
        return;
      }
      try {
        await ctx.reads.settle();
      } catch (error) {
        logger?.error(
          { err: error, operation },
          'a read of personal data could not be recorded: the answer was refused',
        );
        setResult({
          errors: [
            new GraphQLError('the read of personal data could not be recorded, so it is not served: retry shortly', {
              extensions: { code: ERROR_CODES.readNotRecorded },
            }),
          ],
        });
      }
    };
  };
  return {
    onExecute({ args }) {
      const settle = settler(args as ExecutionArgs);
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) {
            return { onNext: ({ setResult: setNext }) => settle(setNext) };
          }
          return settle(setResult);
        },
      };
    },
    // A subscription's events are executed one by one: each is recorded before it is sent.
    onSubscribe({ args }) {
      const settle = settler(args as ExecutionArgs);
      return {
        onSubscribeResult() {
          return { onNext: ({ setResult }) => settle(setResult) };
        },
      };
    },
  };
}
