import { useEffect, useState, useSyncExternalStore } from 'react';
import { graphql } from './api';
import { useSession, useSignedIn } from './auth';
import { AreaChildrenDocument, AreaNamesDocument } from './generated';
import { useWords } from './i18n';
import type { Session } from './session';

/**
 * Area names for the console: every code a page shows is read as its name from the API's
 * register (areaNames), asked in batches. A page renders the code at first and its name as soon
 * as the batch returns; each code is asked once per session.
 */
interface Named {
  name: string;
  fullName: string;
}
const known = new Map<string, Named>();
const asked = new Set<string>();
const listeners = new Set<() => void>();
let changes = 0;
let waiting: string[] = [];
let _timer: ReturnType<typeof setTimeout> | undefined;
let current: { session: Session; language: 'zh' | 'en' } | undefined;
let askedWith: typeof current;

const BATCH = 500;
const RETRY_MS = 5_000;

function notify() {
  changes++;
  for (const listener of listeners) listener();
}

async function flush() {
  _timer = undefined;
  const codes = waiting;
  waiting = [];
  // The session the codes were asked under: a render signed out in between must not drop them.
  const on = askedWith;
  if (!on) {
    for (const code of codes) asked.delete(code);
    return;
  }
  const failed: string[] = [];
  for (let i = 0; i < codes.length; i += BATCH) {
    const batch = codes.slice(i, i + BATCH);
    try {
      const data = await graphql(on.session, on.language, AreaNamesDocument, { codes: batch });
      for (const a of data.areaNames) known.set(a.code, { name: a.name, fullName: a.fullName });
    } catch {
      failed.push(...batch);
    }
  }
  notify();
  // Shown as codes meanwhile; asked again after a while, as when the service was briefly away:
  // the pages showing them render again and ask.
  if (failed.length === 0) return;
  setTimeout(() => {
    for (const code of failed) asked.delete(code);
    notify();
  }, RETRY_MS);
}

function ask(code: string) {
  if (asked.has(code) || !/^\d{12}$/.test(code)) return;
  asked.add(code);
  waiting.push(code);
  askedWith = current;
  _timer ??= setTimeout(flush, 0);
}

/** Forgets one area's name, after it was renamed: it is asked again. */
export function forgetAreaName(code: string): void {
  known.delete(code);
  asked.delete(code);
  notify();
}

export function useNames(): (code: string) => Named | undefined {
  // The shell renders once before it sends a signed-out visitor to sign in: names wait for a session.
  const { session } = useSession();
  const { language } = useWords();
  current = session ? { session, language } : undefined;
  useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => changes,
  );
  return (code) => {
    const named = known.get(code);
    if (!named && current) ask(code);
    return named;
  };
}

/** An area's name (临海镇), its code until the name arrives; — for none. */
export function useAreaName(): (code: string | null | undefined) => string {
  const names = useNames();
  return (code) => (code ? (names(code)?.name ?? code) : '—');
}

/** An area's name with its parent's (射阳县临海镇). */
export function useAreaFullName(): (code: string | null | undefined) => string {
  const names = useNames();
  return (code) => (code ? (names(code)?.fullName ?? code) : '—');
}

/** The areas one level below `code` (none for a village), as named today. */
export function useAreaChildren(code: string | null | undefined): { code: string; name: string; level: string }[] {
  const session = useSignedIn();
  const { language } = useWords();
  const [children, setChildren] = useState<{ code: string; name: string; level: string }[]>([]);
  useEffect(() => {
    let live = true;
    setChildren([]);
    if (!code || areaLevel(code) === 'village') return;
    graphql(session, language, AreaChildrenDocument, { code })
      .then((data) => {
        if (!live) return;
        for (const a of data.areaChildren) known.set(a.code, { name: a.name, fullName: a.fullName });
        setChildren(data.areaChildren);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [code, session, language]);
  return children;
}

/** The level a 12-digit code names, from its trailing zeros. */
export function areaLevel(code: string): 'province' | 'city' | 'county' | 'township' | 'village' {
  if (code.slice(9) !== '000') return 'village';
  if (code.slice(6, 9) !== '000') return 'township';
  if (code.slice(4, 6) !== '00') return 'county';
  if (code.slice(2, 4) !== '00') return 'city';
  return 'province';
}

/** An actor's unit as people read it: an area's full name where the unit is an area code, else as written. */
export function useUnitName(): (unit: string | null | undefined) => string {
  const fullName = useAreaFullName();
  return (unit) => (unit && /^\d{12}$/.test(unit) ? fullName(unit) : (unit ?? '—'));
}
