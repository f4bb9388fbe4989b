import dayjs, { type Dayjs } from 'dayjs';

/**
 * For a date picker's `disabledDate`: days after today (China's date, the registry's). A
 * record takes effect by today at the latest and the registry answers only for what it knows,
 * so the pickers of effective dates and known-at times offer no later day (the API refuses them too).
 */
export const afterToday = (day: Dayjs): boolean =>
  day.format('YYYY-MM-DD') > new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** Today in China, for a picker's default. */
export const todayInChina = (): Dayjs =>
  dayjs(new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date()));
