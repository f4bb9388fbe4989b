import { areaLevelOf, areaPrefix } from '@registry/schema';

/**
 * The SQL condition that selects an area's rows by the indexed column of its level (village,
 * township or county code); provinces and cities by the county code's prefix. `param` is the
 * placeholder of the area code; `alias` qualifies the columns (e.g. `h.`). The one place read
 * queries turn an area code into SQL.
 */
export function areaCondition(code: string, param: string, alias = ''): string {
  if (!/^\d{12}$/.test(code)) throw new Error(`area code ${JSON.stringify(code)} must be 12 digits`);
  const level = areaLevelOf(code);
  switch (level) {
    case 'village':
    case 'township':
    case 'county':
      return `${alias}${level}_code = ${param}`;
    default:
      return `${alias}county_code LIKE substr(${param}, 1, ${areaPrefix(code).length}) || '%'`;
  }
}
