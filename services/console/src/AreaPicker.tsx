import { useQuery } from '@tanstack/react-query';
import { Cascader } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { graphql } from './api';
import { areaLevel, useNames } from './areas';
import { useSignedIn } from './auth';
import { AreaChildrenDocument } from './generated';
import { useWords } from './i18n';

/*
 * Choosing areas by name. Apart from the names (areas.tsx), so the pages that only show names do
 * not load the cascader: the workbench loads this file after its first render.
 */

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

export default AreaPicker;
