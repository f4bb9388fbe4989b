import { useQuery } from '@tanstack/react-query';
import { Cascader } from 'antd';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
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

const BATCH = 500;

function notify() {
  changes++;
  for (const listener of listeners) listener();
}

async function flush() {
  _timer = undefined;
  const codes = waiting;
  waiting = [];
  const on = current;
  if (!on) return;
  for (let i = 0; i < codes.length; i += BATCH) {
    const batch = codes.slice(i, i + BATCH);
    try {
      const data = await graphql(on.session, on.language, AreaNamesDocument, { codes: batch });
      for (const a of data.areaNames) known.set(a.code, { name: a.name, fullName: a.fullName });
    } catch {
      // Shown as codes; asked again after a while, as when the service was briefly away.
      setTimeout(() => {
        for (const code of batch) asked.delete(code);
      }, 30_000);
    }
  }
  notify();
}

function ask(code: string) {
  if (asked.has(code) || !/^\d{12}$/.test(code)) return;
  asked.add(code);
  waiting.push(code);
  _timer ??= setTimeout(flush, 0);
}

/** Forgets one area's name, after it was renamed: it is asked again. */
export function forgetAreaName(code: string): void {
  known.delete(code);
  asked.delete(code);
  notify();
}

function useNames(): (code: string) => Named | undefined {
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
        for (const a of data.areaChildren) known.set(a.code, { name: a.name, fullName: a.name });
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

const LEVEL_PREFIX = { province: 2, city: 4, county: 6, township: 9, village: 12 } as const;
const LEVELS = ['province', 'city', 'county', 'township', 'village'] as const;

/** The codes from just below `scope` down to `code`: the cascader's path to it. */
function pathTo(scope: string | null, code: string): string[] {
  const from = scope ? LEVELS.indexOf(areaLevel(scope)) + 1 : 0;
  const to = LEVELS.indexOf(areaLevel(code));
  const path: string[] = [];
  for (let i = from; i <= to; i++)
    path.push(code.slice(0, LEVEL_PREFIX[LEVELS[i] as keyof typeof LEVEL_PREFIX]).padEnd(12, '0'));
  return path;
}

interface Option {
  value: string;
  label: string;
  isLeaf: boolean;
  children?: Option[];
}

/**
 * Chooses an area level by level (县 → 乡镇 → 村) from the clerk's own area down, by name. With
 * `village`, only a village can be chosen; otherwise any level (as a filter). A clerk of one
 * village has that village alone.
 */
export function AreaPicker(props: {
  value?: string | undefined;
  onChange?: (code: string | undefined) => void;
  village?: boolean;
  allowClear?: boolean;
  placeholder?: string;
  style?: React.CSSProperties;
  'data-testid'?: string;
  'aria-label'?: string;
  id?: string;
  /** What clearing chooses (the clerk's whole area, for a form that needs one); nothing by default. */
  clearTo?: string | undefined;
}) {
  const session = useSignedIn();
  const { language } = useWords();
  const names = useNames();
  const scope = session.claims.area ?? null;
  const [options, setOptions] = useState<Option[]>([]);
  const top = scope && areaLevel(scope) === 'village' ? null : scope;

  const load = useMemo(
    () => async (code: string | null) =>
      (await graphql(session, language, AreaChildrenDocument, { code })).areaChildren.map(
        (a): Option => ({ value: a.code, label: a.name, isLeaf: a.level === 'village' }),
      ),
    [session, language],
  );

  // The first level, once per scope.
  // biome-ignore lint/correctness/useExhaustiveDependencies: names only labels a village clerk's single option
  useEffect(() => {
    let live = true;
    if (scope && areaLevel(scope) === 'village') {
      setOptions([{ value: scope, label: names(scope)?.name ?? scope, isLeaf: true }]);
      return;
    }
    load(top)
      .then((first) => live && setOptions(first))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [scope, load, top]);

  // The levels down to a value set from outside (an address, a page's own link), so its path
  // shows by name rather than by code.
  useEffect(() => {
    if (!props.value || options.length === 0) return;
    let live = true;
    (async () => {
      let level = options;
      let loaded = false;
      for (const code of pathTo(top, props.value as string).slice(0, -1)) {
        const option = level.find((o) => o.value === code);
        if (!option || option.isLeaf) break;
        if (!option.children) {
          option.children = await load(code);
          loaded = true;
        }
        level = option.children;
      }
      if (live && loaded) setOptions((previous) => [...previous]);
    })().catch(() => {});
    return () => {
      live = false;
    };
  }, [props.value, options, load, top]);

  const value = props.value ? (scope && areaLevel(scope) === 'village' ? [scope] : pathTo(top, props.value)) : [];
  return (
    <Cascader
      id={props.id}
      options={options}
      value={value}
      changeOnSelect={!props.village}
      allowClear={props.allowClear ?? true}
      showSearch={false}
      placeholder={props.placeholder ?? (scope ? names(scope)?.fullName : undefined)}
      style={props.style ?? { minWidth: 220 }}
      aria-label={props['aria-label']}
      data-testid={props['data-testid']}
      displayRender={(labels) => labels.join(' / ')}
      loadData={async (selected) => {
        const option = selected.at(-1) as Option | undefined;
        if (!option || option.isLeaf || option.children) return;
        option.children = await load(option.value);
        setOptions((previous) => [...previous]);
      }}
      onChange={(path) => props.onChange?.((path as string[] | undefined)?.at(-1) ?? props.clearTo)}
    />
  );
}

/** An actor's unit as people read it: an area's full name where the unit is an area code, else as written. */
export function useUnitName(): (unit: string | null | undefined) => string {
  const fullName = useAreaFullName();
  return (unit) => (unit && /^\d{12}$/.test(unit) ? fullName(unit) : (unit ?? '—'));
}

/** Every village under an area (a county's: its towns' villages), as named today, each with its town's name. */
export function useVillagesUnder(code: string | null | undefined): { code: string; name: string }[] {
  const session = useSignedIn();
  const { language } = useWords();
  const villages = useQuery({
    queryKey: ['villages-under', code],
    enabled: Boolean(code && /^\d{12}$/.test(code)),
    staleTime: 5 * 60_000,
    queryFn: async () => {
      const walk = async (at: string, prefix: string): Promise<{ code: string; name: string }[]> => {
        if (areaLevel(at) === 'village') return [{ code: at, name: prefix }];
        const children = (await graphql(session, language, AreaChildrenDocument, { code: at })).areaChildren;
        const below = await Promise.all(
          children.map((c) => walk(c.code, areaLevel(c.code) === 'village' ? `${prefix}${c.name}` : c.name)),
        );
        return below.flat();
      };
      return walk(code as string, '');
    },
  });
  return villages.data ?? [];
}
