import type { PersonalField, ReadDraft } from '@registry/eventstore/log';
import { languageOf, refusalText } from '@registry/schema/messages';
import type { Request } from 'express';
import type { Viewer } from './auth.js';

/** What a bulk read's stated purpose must be: a sentence a reviewer can judge. */
export const PURPOSE_RULE = 'required for a bulk read of personal data: 2 to 200 characters';

/** A stated purpose as it is kept: trimmed; undefined when none (or only blanks) was given. */
export function purposeOf(text: string | null | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

export function validPurpose(purpose: string | undefined): boolean {
  return purpose !== undefined && [...purpose].length >= 2 && [...purpose].length <= 200;
}

/**
 * The personal data one request is answering with, unmasked: which households' which fields.
 * Resolvers note what they return; the request's end records it (`settle`) before the answer
 * leaves, or the answer is refused. A bulk read (a snapshot, an export, an assessment's list)
 * states its purpose, which is recorded with it.
 */
export class ReadLedger {
  private readonly households = new Map<string, Set<PersonalField>>();
  private readonly bulk = new Map<string, string | undefined>();
  /** How the request is named in the record (`query household`): set before execution. */
  operation = 'graphql';

  constructor(
    private readonly viewer: Viewer,
    private readonly recorder?: { record(draft: ReadDraft): Promise<void> },
  ) {}

  /** `householdId` answers with `fields` unmasked (nothing is noted for a masked viewer). */
  note(householdId: string | null | undefined, ...fields: PersonalField[]): void {
    if (this.viewer.masked || !householdId || fields.length === 0) return;
    let noted = this.households.get(householdId);
    if (!noted) {
      noted = new Set();
      this.households.set(householdId, noted);
    }
    for (const f of fields) noted.add(f);
  }

  /**
   * Records what was noted (one record for the answer, or for a subscription's event) and waits
   * for it; rejects when it could not be stored. Recording starts only here: noting early
   * (members first, the history's data later) split a household's read into two records, each
   * a commit, and was slower (bench:queries, 2026-12-07).
   */
  async settle(): Promise<void> {
    if (!this.recorder || this.unstatedPurposes().length > 0) return;
    const draft = this.take(this.operation);
    if (draft) await this.recorder.record(draft);
  }

  /** The request holds a bulk read; its purpose (as given) is kept for the record. */
  bulkRead(operation: string, purpose: string | null | undefined): void {
    this.bulk.set(operation, purposeOf(purpose));
  }

  /** Bulk reads carrying personal data whose purpose is missing or unusable. */
  unstatedPurposes(): string[] {
    if (this.households.size === 0) return [];
    return [...this.bulk].filter(([, purpose]) => !validPurpose(purpose)).map(([operation]) => operation);
  }

  /** The record of what was noted since the last take, under `operation`; undefined when nothing was. */
  take(operation: string): ReadDraft | undefined {
    if (this.households.size === 0) return undefined;
    const fields = new Set<PersonalField>();
    for (const noted of this.households.values()) for (const f of noted) fields.add(f);
    const purposes = [...new Set([...this.bulk.values()].filter((p): p is string => p !== undefined))];
    const draft: ReadDraft = {
      actor: this.viewer.actor.id,
      role: this.viewer.role,
      unit: this.viewer.actor.unit,
      scope: this.viewer.scope,
      operation,
      purpose: purposes.length > 0 ? purposes.join('；') : null,
      households: [...this.households.keys()],
      fields: [...fields],
    };
    this.households.clear();
    return draft;
  }

  /** Forgets what was noted (an answer refused before it was recorded). */
  clear(): void {
    this.households.clear();
  }
}

/**
 * Records a read made outside GraphQL (an export, a printed page, a report) before it is sent.
 * Answers false when it could not be recorded: the caller must then refuse the read.
 */
export async function recordRead(
  deps: { reads: { record(draft: ReadDraft): Promise<void> }; logger?: { error(obj: object, msg: string): void } },
  viewer: Viewer,
  read: { operation: string; purpose: string | null; households: readonly string[]; fields: PersonalField[] },
): Promise<boolean> {
  if (viewer.masked || read.households.length === 0) return true;
  try {
    await deps.reads.record({
      actor: viewer.actor.id,
      role: viewer.role,
      unit: viewer.actor.unit,
      scope: viewer.scope,
      ...read,
    });
    return true;
  } catch (error) {
    deps.logger?.error(
      { err: error, operation: read.operation, households: read.households.length },
      'a read of personal data could not be recorded: it was refused',
    );
    return false;
  }
}

/** A refusal of a request's parameter as JSON: the English rule and the Chinese text a clerk reads. */
export function refusalBody(message: string, req: Request): { error: string; localizedMessage: string } {
  const at = message.indexOf(': ');
  const issues = at > 0 ? [{ path: message.slice(0, at), message: message.slice(at + 2) }] : undefined;
  return {
    error: message,
    localizedMessage: refusalText(
      { code: 'BAD_USER_INPUT', detail: message, ...(issues ? { issues } : {}) },
      languageOf(req.headers['accept-language']),
    ),
  };
}

export function notRecordedBody(req: Request): { error: string; code: string; localizedMessage: string } {
  return {
    error: 'the read of personal data could not be recorded, so it is not served: retry shortly',
    code: 'READ_NOT_RECORDED',
    localizedMessage: refusalText({ code: 'READ_NOT_RECORDED' }, languageOf(req.headers['accept-language'])),
  };
}

/** A refusal by code as JSON (403, 404 …): the English message, the code, and the clerk's text. */
export function codedBody(
  code: string,
  message: string,
  req: Request,
): { error: string; code: string; localizedMessage: string } {
  return {
    error: message,
    code,
    localizedMessage: refusalText({ code, detail: message }, languageOf(req.headers['accept-language'])),
  };
}
