import { DivisionRegister } from '@registry/projections';

/** K county-level areas of a province, the first of each city in code order (a city's own districts last). */
export async function provinceCounties(province: string, count: number): Promise<string[]> {
  const register = new DivisionRegister();
  const cities = await register.children(`${province}0000000000`);
  if (cities.length === 0) throw new Error(`--province ${province}: no such province in the national register`);
  const picked: string[] = [];
  for (const city of cities) {
    const counties = await register.children(city.code);
    const county = counties.find((c) => /[县旗]$/.test(c.name)) ?? counties.at(-1);
    if (county) picked.push(county.code.slice(0, 6));
    if (picked.length === count) break;
  }
  if (picked.length < count) throw new Error(`--counties ${count}: province ${province} has ${picked.length} cities`);
  return picked;
}

/**
 * `count` counties for a simulated province of that many, one per city, taken from the
 * provinces in turn (Jiangsu first, whose provincial line the simulator knows) when one has too
 * few cities. Counties of one city would share ID numbers (they begin with the city's code).
 */
export async function countiesFor(
  count: number,
  provinces = ['32', '33', '34', '36', '37', '41', '42', '43'],
): Promise<string[]> {
  const register = new DivisionRegister();
  const picked: string[] = [];
  for (const province of provinces) {
    for (const city of await register.children(`${province}0000000000`)) {
      if (picked.length === count) return picked;
      const counties = await register.children(city.code);
      const county = counties.find((c) => /[县旗]$/.test(c.name)) ?? counties.at(-1);
      if (county) picked.push(county.code.slice(0, 6));
    }
  }
  if (picked.length < count) throw new Error(`a province of ${count} counties: only ${picked.length} cities found`);
  return picked;
}
