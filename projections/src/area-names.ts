import { type AreaLevel, areaLevelOf, areaPrefix } from '@registry/schema';
import type pg from 'pg';
import { type Division, DivisionRegister, parentCodeOf } from './divisions.js';
import type { ReferenceProjection } from './reference-projection.js';

/** An area as named on a date: the national register's name, unless a later name was recorded by then. */
export interface NamedArea {
  code: string;
  /** The name on the date; the code itself where neither the register nor a record names it. */
  name: string;
  /** The parent's name and this one (射阳县临海镇, 临海镇新东村); the name alone for a province. */
  fullName: string;
  level: AreaLevel;
  parentCode: string | null;
  /** Where it was merged (撤并) into another area by the date. */
  mergedInto: string | null;
  /** Whether the name is the register's (false: recorded since, or unknown). */
  fromRegister: boolean;
  /** Whether anything names the code: the register or a recorded name. */
  known: boolean;
}

/** The date an answer is for and the time it is as known at. */
export interface AsOf {
  effectiveOn: string;
  knownAt: string;
}

/** The register's stand-ins for a city level some provinces lack (直辖市's 市辖区): not part of a place's name. */
const PLACEHOLDER_CITIES = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;

interface Change {
  area_code: string;
  name: string | null;
  merged_into: string | null;
}

/**
 * Area names as of a date: the national register of divisions (`DivisionRegister`), overlaid by
 * the changes admins record as events (`AreaNamed`, `AreaMerged`), each from its effective date
 * and as known at a time, so a report as of 2019 names a village as it was named then.
 */
export class AreaDirectory {
  constructor(
    private readonly db: pg.Pool,
    private readonly reference: Pick<ReferenceProjection, 'tables'>,
    readonly register: DivisionRegister = new DivisionRegister(),
  ) {}

  /** The latest recorded name and merger of each code, by the date and as known then. */
  private async changes(codes: string[], asOf: AsOf): Promise<Map<string, { name?: string; mergedInto?: string }>> {
    const out = new Map<string, { name?: string; mergedInto?: string }>();
    if (codes.length === 0) return out;
    const rows = await this.db.query<Change>(
      `SELECT area_code, name, merged_into FROM ${this.reference.tables.changes}
        WHERE area_code = ANY($1::text[]) AND effective_on <= $2::date AND recorded_at <= $3::timestamptz
        ORDER BY effective_on, recorded_at, position`,
      [codes, asOf.effectiveOn, asOf.knownAt],
    );
    for (const r of rows.rows) {
      const entry = out.get(r.area_code) ?? {};
      if (r.name !== null) entry.name = r.name;
      if (r.merged_into !== null) entry.mergedInto = r.merged_into;
      out.set(r.area_code, entry);
    }
    return out;
  }

  /** The areas `codes` name on the date, each with its parent's name for the full name. */
  async areas(codes: readonly string[], asOf: AsOf): Promise<Map<string, NamedArea>> {
    const wanted = [...new Set(codes)];
    const parents = wanted.map(parentCodeOf).filter((p): p is string => p !== null);
    const all = [...new Set([...wanted, ...parents])];
    const [changes, divisions] = await Promise.all([
      this.changes(all, asOf),
      Promise.all(all.map(async (code) => [code, await this.register.find(code)] as const)),
    ]);
    const inRegister = new Map<string, Division | undefined>(divisions);
    const nameOf = (code: string) => changes.get(code)?.name ?? inRegister.get(code)?.name;
    const out = new Map<string, NamedArea>();
    for (const code of wanted) {
      const name = nameOf(code);
      const parentCode = parentCodeOf(code);
      const level = areaLevelOf(code);
      const parentName = parentCode ? nameOf(parentCode) : undefined;
      out.set(code, {
        code,
        name: name ?? code,
        fullName: name ? `${parentName && !PLACEHOLDER_CITIES.test(parentName) ? parentName : ''}${name}` : code,
        level,
        parentCode,
        mergedInto: changes.get(code)?.mergedInto ?? null,
        fromRegister: changes.get(code)?.name === undefined && inRegister.get(code) !== undefined,
        known: name !== undefined,
      });
    }
    return out;
  }

  /** Whether anything names `code` on the date (a merger's target must be known). */
  async known(code: string, asOf: AsOf): Promise<boolean> {
    return (await this.areas([code], asOf)).get(code)?.known === true;
  }

  /**
   * The areas one level below `code` (provinces when null) on the date, in code order: the
   * register's and those named since (a village split off), without those merged away by then.
   */
  async children(code: string | null, asOf: AsOf): Promise<NamedArea[]> {
    const fromRegister = (await this.register.children(code)).map((d) => d.code);
    const level = code === null ? null : areaLevelOf(code);
    let added: string[] = [];
    if (code !== null && level !== 'village') {
      const rows = await this.db.query<{ area_code: string }>(
        `SELECT DISTINCT area_code FROM ${this.reference.tables.changes}
          WHERE area_code LIKE $1 AND name IS NOT NULL AND effective_on <= $2::date AND recorded_at <= $3::timestamptz`,
        [`${areaPrefix(code)}%`, asOf.effectiveOn, asOf.knownAt],
      );
      added = rows.rows.map((r) => r.area_code).filter((c) => parentCodeOf(c) === code);
    }
    const codes = [...new Set([...fromRegister, ...added])].sort();
    const named = await this.areas(codes, asOf);
    return codes.map((c) => named.get(c) as NamedArea).filter((a) => a.mergedInto === null);
  }
}
