import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@registry/postgres';
import { nationalIdCheckChar } from '@registry/schema/national-id';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import ExcelJS from 'exceljs';
import { GraphQLClient } from 'graphql-request';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/src/auth.js';
import { type Running, startService, stopService } from '../../api/test/service.js';
import { ensureBuilt } from '../scripts/ensure-built.js';
import { launchBrowser } from './browser.js';

/**
 * Where the tests leave screenshots of the main pages: test-results/screenshots (ignored by
 * git), or CONSOLE_SCREENSHOTS; `pnpm console:screenshots` refreshes the README's in docs/screenshots.
 */
const SHOTS = path.resolve(
  import.meta.dirname,
  '../../..',
  process.env.CONSOLE_SCREENSHOTS ?? 'test-results/screenshots',
);
/** The service's token secret: the province's admin (no area) signs in with a token made with it. */
const SECRET = 'console-e2e-secret-console-e2e-secret-0123';
const launched = await launchBrowser();

if ('skipped' in launched) {
  console.warn(`console browser suite skipped: ${launched.skipped}`);
  describe.skip(`console in a real browser — SKIPPED: ${launched.skipped}`, () => {
    it('runs the console in headless chromium', () => {});
  });
} else {
  const browser: Browser = launched.browser;
  describe('console in a real browser (headless chromium, the demo county)', () => {
    let db: TestDatabase;
    let dir: string;
    let service: Running;
    const pageErrors: string[] = [];

    /** What the API itself answers, with a demo token: the page must show the same. */
    const api = async (role: string, areaCode: string) => {
      const response = await fetch(`${service.url}/console-api/demo-session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ role, areaCode }),
      });
      const { token } = (await response.json()) as { token: string };
      return new GraphQLClient(`${service.url}/graphql`, { headers: { Authorization: `Bearer ${token}` } });
    };

    /** The pages a test has open: shot and described when it fails, so a CI log says where it stood. */
    const open = new Set<Page>();

    const newPage = async (): Promise<Page> => {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      // A wait that never ends fails naming its locator, well before the test's own timeout.
      page.setDefaultTimeout(25_000);
      open.add(page);
      page.on('close', () => open.delete(page));
      page.on('pageerror', (error) => pageErrors.push(error.message));
      // React and Ant Design report misuse on the console (in development builds); refused
      // requests the tests cause on purpose are the browser's own lines, not the page's.
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
          pageErrors.push(message.text());
        }
      });
      return page;
    };

    const signIn = async (page: Page, roleLabel: string, areaName: string) => {
      await page.goto(`${service.url}/`);
      await page.getByTestId('demo-warning').waitFor();
      await page.getByTestId('role').click();
      await page.locator(`.ant-select-item-option[title="${roleLabel}"]`).click();
      await closed(page);
      await page.getByTestId('area').click();
      await page.locator('.ant-select-item-option', { hasText: areaName }).first().click();
      await closed(page);
      await page.getByTestId('demo-sign-in').click();
      await page.getByTestId('whoami').waitFor();
    };

    /** Types a date into an Ant Design date picker. */
    const setDate = async (page: Page, picker: Locator, date: string) => {
      await picker.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(date);
      // Tab, not Enter: Enter in a form's field submits the form.
      await page.keyboard.press('Tab');
    };

    /** A household applies through the API (as another clerk would, elsewhere). */
    const applyThroughApi = (client: GraphQLClient, villageCode: string, first17: string, name: string) =>
      client.request<{ applyForRegistration: { __typename: string; position?: string } }>(
        `mutation ($input: ApplyForRegistrationInput!, $commandId: ID!) {
           applyForRegistration(commandId: $commandId, input: $input) { __typename ... on CommandSuccess { position } } }`,
        {
          commandId: crypto.randomUUID(),
          input: {
            householdId: crypto.randomUUID(),
            effectiveAt: '2020-05-01',
            data: {
              household: { villageCode, address: '二组7号' },
              members: [
                {
                  memberId: crypto.randomUUID(),
                  name,
                  nationalId: first17 + nationalIdCheckChar(first17),
                  sex: Number(first17[16]) % 2 === 1 ? 'male' : 'female',
                  birthDate: `${first17.slice(6, 10)}-${first17.slice(10, 12)}-${first17.slice(12, 14)}`,
                  relation: 'head',
                  health: 'healthy',
                  labourCapacity: 'ordinary',
                  schooling: 'not_in_school',
                  insurance: { basicMedical: true, seriousIllness: false, pension: true },
                },
              ],
            },
          },
        },
      );

    /** Waits for every select's dropdown to have closed (its closing animation would take the next click). */
    const closed = (page: Page) => expect.poll(() => page.locator('.ant-select-dropdown:visible').count()).toBe(0);

    /** Picks an option of an Ant Design select by its label. */
    const choose = async (page: Page, select: Locator, label: string) => {
      await select.click();
      await page.locator('.ant-select-dropdown:visible').waitFor();
      const option = page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${label}"]`);
      // Long lists render only what is in view: searching brings the option into it.
      if ((await option.count()) === 0) await page.keyboard.type(label);
      // A click that lands while the list is still moving in (a busy machine) is lost and the
      // list stays open: click the option again, as a person would.
      for (let attempt = 1; ; attempt++) {
        await option.click();
        try {
          await closed(page);
          return;
        } catch (error) {
          if (attempt === 3 || (await option.count()) === 0) throw error;
        }
      }
    };

    /** The province's admins have no area: signed in with a token from the identity provider. */
    const signInAsProvinceAdmin = async () => {
      const token = await issueToken(SECRET, { sub: 'admin-province', role: 'admin', unit: '省扶贫办' });
      const page = await newPage();
      await page.goto(`${service.url}/sign-in`);
      await page.getByTestId('use-token').click();
      await page.getByTestId('token').fill(token);
      await page.getByTestId('token-sign-in').click();
      return { page, token };
    };

    /** Picks an area in a cascader by name, level by level (临海镇 → 后涧村). */
    const pickArea = async (page: Page, picker: Locator, names: string[]) => {
      await picker.click();
      for (const [level, name] of names.entries()) {
        await page
          .locator('.ant-cascader-dropdown:visible .ant-cascader-menu')
          .nth(level)
          .locator(`li[title="${name}"]`)
          .click();
      }
      await expect.poll(() => page.locator('.ant-cascader-dropdown:visible').count()).toBe(0);
    };

    /** Runs one of the household page's next steps: its form, its effective date, submitted and closed. */
    const step = async (page: Page, name: string, date: string, fill?: (form: Locator) => Promise<void>) => {
      await page.getByTestId(`step-${name}`).click();
      const form = page.getByTestId('command-form');
      await setDate(page, form.getByTestId('field-effectiveAt'), date);
      await fill?.(form);
      await form.getByTestId('submit').click();
      await form.waitFor({ state: 'detached' });
    };

    beforeEach(({ task, onTestFailed }) => {
      onTestFailed(async () => {
        const failures = path.join(SHOTS, '..', 'failures');
        await mkdir(failures, { recursive: true });
        for (const [i, page] of [...open].entries()) {
          const file = path.join(failures, `${task.name.slice(0, 60).replace(/[^\p{L}\p{N}]+/gu, '-')}-${i}.png`);
          await page.screenshot({ path: file, fullPage: true, timeout: 5_000 }).catch(() => {});
          const text = await page
            .locator('body')
            .textContent({ timeout: 2_000 })
            .catch(() => '');
          console.error(`failed at ${page.url()} (${file}):\n${(text ?? '').slice(0, 1_500)}`);
        }
      });
    });

    beforeAll(async () => {
      await ensureBuilt(() => {});
      await mkdir(SHOTS, { recursive: true });
      db = await createTestDatabase('console');
      dir = await mkdtemp(path.join(tmpdir(), 'registry-console-'));
      service = await startService(
        {
          DATABASE_URL: db.url,
          DATA_DIR: dir,
          PORT: String(await freePort()),
          JWT_SECRET: SECRET,
        },
        ['--demo'],
      );
    }, 180_000);

    afterAll(async () => {
      await browser.close();
      if (service) await stopService(service);
      await db?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('the demo sign-in page is marked demo only and offers every role and the demo areas, in Chinese', async () => {
      const page = await newPage();
      await page.goto(`${service.url}/`);
      await expect.poll(() => page.url()).toContain('/sign-in');
      await expect.poll(() => page.getByTestId('demo-warning').textContent()).toContain('仅供演示');
      await page.screenshot({ path: path.join(SHOTS, 'sign-in.png') });
      await page.getByTestId('role').click();
      for (const role of ['扶贫专干', '考核评估人员', '第三方评估人员', '系统管理员']) {
        await expect(page.locator(`.ant-select-item-option[title="${role}"]`).count()).resolves.toBe(1);
      }
      await page.close();
    });

    it('a county clerk sees the roll of the county with counts by status that match the API, filters and pages it', async () => {
      const client = await api('clerk', '320924000000');
      const expected = await client.request<Record<string, { totalCount: number }>>(
        `{ all: households(first: 0) { totalCount }
           exited: households(first: 0, filter: { status: [exited] }) { totalCount }
           registered: households(first: 0, filter: { status: [registered] }) { totalCount } }`,
      );
      expect(expected.exited?.totalCount).toBeGreaterThan(0);
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await expect.poll(() => page.getByTestId('whoami').textContent()).toContain('扶贫专干');
      await expect.poll(() => page.getByTestId('whoami').textContent()).toContain('盐城市射阳县');
      expect(await page.getByTestId('whoami').textContent()).not.toMatch(/\d{12}/);
      await expect
        .poll(() => page.getByTestId('count-exited').textContent())
        .toBe(`已脱贫${expected.exited?.totalCount}`);
      await expect
        .poll(() => page.getByTestId('count-registered').textContent())
        .toBe(`建档立卡${expected.registered?.totalCount}`);
      await expect.poll(() => page.getByTestId('total').textContent()).toBe(`共 ${expected.all?.totalCount} 户`);
      await page.screenshot({ path: path.join(SHOTS, 'workbench.png') });
      // At an office screen's 1366 px the head's name has room and the open case no more than
      // its share; villages read by name.
      await page.setViewportSize({ width: 1366, height: 768 });
      const header = async (title: string) =>
        (await page.locator('[data-testid=households] thead th', { hasText: title }).first().boundingBox())?.width ?? 0;
      await expect.poll(() => header('户主')).toBeGreaterThanOrEqual(90);
      expect(await header('进行中的流程')).toBeLessThanOrEqual(210);
      await expect
        .poll(async () =>
          (await page.getByTestId('roll-village').allTextContents()).every((v) => /^\p{Script=Han}+村$/u.test(v)),
        )
        .toBe(true);
      expect(await page.getByTestId('roll-village').allTextContents()).toContain('新东村');
      // The area's roll as the office's file: Chinese headers, villages by name.
      // Names and ID numbers of the whole area: the purpose is asked first, and recorded with the read.
      await page.getByTestId('roll-xlsx').click();
      const ok = page.locator('.ant-modal-confirm-btns .ant-btn-primary');
      await page.getByTestId('purpose-input').fill('报');
      expect(await ok.isDisabled()).toBe(true);
      await page.getByTestId('purpose-input').fill('年度动态调整核对');
      const [rollFile] = await Promise.all([page.waitForEvent('download'), ok.click()]);
      expect(rollFile.suggestedFilename()).toMatch(/^贫困户名册-射阳县-\d{4}-\d{2}-\d{2}\.xlsx$/);
      const rollBook = new ExcelJS.Workbook();
      await rollBook.xlsx.readFile((await rollFile.path()) as string);
      const rollSheet = rollBook.worksheets[0];
      expect(rollSheet?.getRow(1).values).toEqual(
        expect.arrayContaining(['卡号', '户主姓名', '乡镇', '行政村', '状态']),
      );
      expect(JSON.stringify(rollSheet?.getSheetValues())).toContain('临海镇');

      // A page holds 20; the next page holds the rest.
      const total = expected.all?.totalCount ?? 0;
      await expect
        .poll(() => page.locator('[data-testid=households] tbody tr.ant-table-row').count())
        .toBe(Math.min(20, total));
      if (total > 20) {
        await page.getByTestId('next-page').click();
        await expect
          .poll(() => page.locator('[data-testid=households] tbody tr.ant-table-row').count())
          .toBe(total - 20);
      }

      // A count is a filter: the exited households only.
      await page.getByTestId('count-exited').click();
      await expect.poll(() => page.getByTestId('total').textContent()).toBe(`共 ${expected.exited?.totalCount} 户`);
      const statuses = await page
        .locator('[data-testid=households] tbody tr.ant-table-row [data-testid=status]')
        .allTextContents();
      expect(new Set(statuses)).toEqual(new Set(['已脱贫']));
      await page.close();
    });

    it('a household page shows its facts, its members and every event of its history with both clocks and the state after it', async () => {
      const client = await api('clerk', '320924000000');
      const { households } = await client.request<{
        households: { edges: { node: { id: string; cardNumber: string; history: { totalCount: number } } }[] };
      }>(
        `{ households(first: 1, filter: { status: [exited] }) { edges { node { id cardNumber history { totalCount } } } } }`,
      );
      const household = households.edges[0]?.node;
      expect(household).toBeDefined();
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await page.goto(`${service.url}/households/${household?.id}`);
      await expect.poll(() => page.getByTestId('card-number').textContent()).toBe(household?.cardNumber);
      await expect.poll(() => page.getByTestId('members').locator('tbody tr').count()).toBeGreaterThan(0);
      await page.screenshot({ path: path.join(SHOTS, 'household.png'), fullPage: true });
      await page.getByRole('tab', { name: '历史记录' }).click();
      await expect.poll(() => page.getByTestId('timeline-entry').count()).toBe(household?.history.totalCount);
      const first = await page.getByTestId('timeline-entry').first().textContent();
      expect(first).toContain('农户申请');
      expect(first).toMatch(/生效日期 \d{4}年\d{1,2}月\d{1,2}日 · 录入时间/);
      expect(first).toContain('操作后：申请中');
      await page.screenshot({ path: path.join(SHOTS, 'history.png') });

      // As of a date in 2016 the household was still registered, not yet exited.
      await page.getByRole('tab', { name: '时点查询' }).click();
      await page.getByTestId('as-of-date').click();
      await page.keyboard.type('2016-06-30');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: '查 询' }).click();
      await expect.poll(() => page.getByTestId('as-of-result').textContent()).toContain('建档立卡');
      await page.close();
    });

    it('a GraphQL error is shown as a readable message, and a refused token sends the user back to sign in', async () => {
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      // An area code of 12 digits that names a village without its township, in the dashboard's
      // address: the API refuses it (BAD_USER_INPUT), and the page says so. (Areas are chosen by
      // name and dates after today are not offered, so the forms cannot send it.)
      await page.goto(`${service.url}/dashboard?area=320924000123`);
      await expect.poll(() => page.getByTestId('error').first().textContent()).toContain('输入有误');
      await expect.poll(() => page.getByTestId('error').first().textContent()).toContain('areaCode');

      // A token the API no longer accepts (here: not signed by it) ends the session, on a page that asks.
      await page.getByRole('menuitem', { name: '贫困户名册' }).click();
      await page.getByTestId('total').waitFor();
      await page.evaluate(() => {
        const token = localStorage.getItem('registry.session') ?? '';
        localStorage.setItem('registry.session', `${token.slice(0, token.lastIndexOf('.'))}.forged`);
      });
      await page.reload();
      await expect.poll(() => page.url()).toContain('/sign-in');
      await page.close();
    });

    it('an unknown address shows a page in Chinese with the way back, never the router’s developer page', async () => {
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await page.goto(`${service.url}/no-such-page`);
      await expect.poll(() => page.getByTestId('not-found').textContent()).toContain('页面不存在');
      expect(await page.locator('body').textContent()).not.toContain('Hey developer');
      // No white frame around the console.
      expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px');
      await page.getByTestId('back-home').click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/');
      await page.close();
    });

    it('switching to English changes the labels, and the choice is kept', async () => {
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await page.getByTestId('language').click();
      await expect.poll(() => page.getByTestId('count-exited').textContent()).toMatch(/^exited\d+$/);
      await expect.poll(() => page.getByTestId('whoami').textContent()).toContain('registry clerk');
      await expect.poll(() => page.getByTestId('total').textContent()).toMatch(/^\d+ households$/);
      await page.reload();
      await expect.poll(() => page.getByTestId('count-registered').textContent()).toMatch(/^registered\d+$/);
      await page.screenshot({ path: path.join(SHOTS, 'workbench-en.png') });
      await page.getByTestId('language').click();
      await expect.poll(() => page.getByTestId('count-exited').textContent()).toMatch(/^已脱贫\d+$/);
      await page.close();
    });

    it('an assessor sees no full national ID number anywhere on the roll or a household page', async () => {
      const page = await newPage();
      await signIn(page, '第三方评估人员', '射阳县');
      await page.getByTestId('total').waitFor();
      const client = await api('assessor', '320924000000');
      const { households } = await client.request<{ households: { edges: { node: { id: string } }[] } }>(
        '{ households(first: 3) { edges { node { id } } } }',
      );
      const fullId = /\d{17}[\dX]/;
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText: the text as rendered, cells apart, as a reader sees it
      expect(await page.locator('body').innerText()).not.toMatch(fullId);
      for (const { node } of households.edges) {
        await page.goto(`${service.url}/households/${node.id}`);
        await page.getByTestId('members').locator('tbody tr').first().waitFor();
        // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText: the text as rendered, cells apart, as a reader sees it
        const text = (await page.locator('body').innerText()) ?? '';
        expect(text).not.toMatch(fullId);
        expect(text).toMatch(/\*{4}/);
        await page.getByRole('tab', { name: '历史记录' }).click();
        await page.getByTestId('timeline-entry').first().waitFor();
        // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText: the text as rendered, cells apart, as a reader sees it
        expect(await page.locator('body').innerText()).not.toMatch(fullId);
      }
      await page.close();
    });

    it('the village, township and county clerks take a household from application to registration, each recording their own steps, and a refused exit shows its unmet criteria in Chinese', async () => {
      const page = await newPage();
      await signIn(page, '扶贫专干', '临海镇新东村');
      await page.getByRole('menuitem', { name: '农户申请' }).click();
      const apply = page.getByTestId('apply');
      // From 2021 a new household comes in with a risk alert (the default); before, by application.
      await apply.getByTestId('apply-mode').getByText('建档立卡申请（2020年及以前）').click();
      await setDate(page, apply.getByTestId('field-effectiveAt'), '2019-03-01');
      await apply.getByTestId('field-address').fill('新东村五组18号');
      await apply.getByTestId('member-name').fill('测试户主');
      // The ID number is checked as it is typed: a wrong check character is named with the right one.
      const first17 = '32092419780315201';
      const right = nationalIdCheckChar(first17);
      const wrong = right === '1' ? '2' : '1';
      await apply.getByTestId('member-nationalId').fill(`${first17}${wrong}`);
      await expect.poll(() => apply.textContent()).toContain(`校验码不对：按前17位应为 ${right}`);
      await apply.getByTestId('member-nationalId').fill(`${first17}${right}`);
      await expect.poll(() => apply.textContent()).not.toContain('校验码不对');
      await page.screenshot({ path: path.join(SHOTS, 'apply.png') });
      await apply.getByTestId('submit').click();

      await page.waitForURL(/\/households\//);
      const householdUrl = page.url();
      await expect.poll(() => page.getByTestId('facts').textContent()).toContain('申请中');
      await step(page, 'recordVillageReview', '2019-03-02', (form) => form.getByTestId('field-votesFor').fill('31'));
      await step(page, 'openPublicNotice', '2019-03-03');
      // The village prints its 公示 notice: the household, the period, where to object.
      const [notice] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('print-notice').click()]);
      await expect.poll(() => notice.locator('body').textContent()).toContain('测试户主');
      const posted = (await notice.locator('body').textContent()) ?? '';
      expect(posted).toContain('公示期：2019年3月3日 至 2019年3月10日');
      expect(posted).toContain('临海镇新东村');
      expect(posted).toContain('新东村村民委员会');
      expect(posted).not.toContain('320924');
      await notice.close();
      // Paper renders without scripts: the page the API sends, in a browser with JavaScript off.
      const clerkToken = await page.evaluate(() => localStorage.getItem('registry.session'));
      const printed = async (url: string) => {
        const html = await (
          await fetch(`${service.url}${url}`, { headers: { Authorization: `Bearer ${clerkToken}` } })
        ).text();
        const context = await browser.newContext({
          javaScriptEnabled: false,
          locale: 'zh-CN',
          viewport: { width: 900, height: 1000 },
        });
        const plain = await context.newPage();
        await plain.setContent(html);
        return { plain, context, html };
      };
      const noticeId = householdUrl.split('/').at(-1) as string;
      const paper = await printed(`/print/notice?areaCode=320924101201`);
      expect(paper.html).not.toContain('<script');
      expect(await paper.plain.getByRole('heading', { level: 1 }).textContent()).toBe('公 示');
      await paper.plain.screenshot({ path: path.join(SHOTS, 'print-notice.png'), fullPage: true });
      await paper.context.close();
      const card = await printed(`/print/household/${noticeId}`);
      expect(card.html).not.toContain('<script');
      expect(await card.plain.locator('body').textContent()).toContain('扶贫明白卡');
      expect(await card.plain.locator('body').textContent()).toContain(`${first17}${right}`);
      await card.plain.screenshot({ path: path.join(SHOTS, 'print-card.png'), fullPage: true });
      await card.context.close();
      // Closed too early: the refusal says until when, in Chinese, with no English line beneath.
      await page.getByTestId('step-closePublicNotice').click();
      const early = page.getByTestId('command-form');
      await setDate(page, early.getByTestId('field-effectiveAt'), '2019-03-05');
      await early.getByTestId('submit').click();
      await expect
        .poll(() => early.getByTestId('refusal').textContent())
        .toBe('公示期未满：公示至2019年3月10日，期满后方可结束公示');
      await setDate(page, early.getByTestId('field-effectiveAt'), '2019-03-10');
      await early.getByTestId('submit').click();
      await early.waitFor({ state: 'detached' });
      // 乡审核: the village's clerk is not offered the township's review (the policy's level rules).
      await expect.poll(() => page.getByTestId('no-next-steps').textContent()).toContain('下一步由乡镇办理');
      expect(await page.getByTestId('step-recordTownshipReview').count()).toBe(0);

      const township = await newPage();
      await signIn(township, '扶贫专干', '射阳县临海镇');
      await township.goto(householdUrl);
      await step(township, 'recordTownshipReview', '2019-03-11');
      await step(township, 'openPublicNotice', '2019-03-12');
      await step(township, 'closePublicNotice', '2019-03-19');

      const county = await newPage();
      await signIn(county, '扶贫专干', '射阳县');
      await county.goto(householdUrl);
      await step(county, 'recordDataComparison', '2019-03-20');
      // A card number the rules refuse: said in Chinese, by the field's name, with no English or input.* path.
      await county.getByTestId('step-approveRegistration').click();
      const approval = county.getByTestId('command-form');
      await setDate(county, approval.getByTestId('field-effectiveAt'), '2019-03-25');
      await approval.getByTestId('field-cardNumber').fill('卡号？');
      await choose(county, approval.getByTestId('field-mainCause'), '因病');
      await approval.getByTestId('submit').click();
      await expect
        .poll(() => approval.getByTestId('refusal').textContent())
        .toContain('卡号：须为 4 至 40 位字母、数字或“-”');
      expect(await approval.textContent()).not.toMatch(/input\.|must be/);
      await approval.getByTestId('field-cardNumber').fill('320924-2019-0901');
      await approval.getByTestId('submit').click();
      await approval.waitFor({ state: 'detached' });
      await expect.poll(() => county.getByTestId('card-number').textContent()).toBe('320924-2019-0901');
      await expect.poll(() => county.getByTestId('facts').textContent()).toContain('建档立卡');
      await county.getByRole('tab', { name: '历史记录' }).click();
      await expect.poll(() => county.getByTestId('timeline-entry').count()).toBe(9);
      await township.close();
      await county.close();
      await page.goto(householdUrl);

      // An assessment below the line, then an exit proposal: refused, each unmet criterion in Chinese, by how much.
      await step(page, 'assessConditions', '2019-06-01', async (form) => {
        await form.getByTestId('field-year').fill('2019');
        await form.getByTestId('field-income').fill('5000');
        await form.getByTestId('field-safeHousing').click();
      });
      await page.getByTestId('step-proposeExit').click();
      const form = page.getByTestId('command-form');
      await setDate(page, form.getByTestId('field-effectiveAt'), '2019-11-01');
      await form.getByTestId('field-year').fill('2019');
      await form.getByTestId('submit').click();
      await expect.poll(() => form.getByTestId('refusal').textContent()).toContain('未达到脱贫退出标准');
      const unmet = await form.getByTestId('unmet-criterion').allTextContents();
      expect(unmet).toEqual([
        '人均纯收入高于当年标准：人均纯收入 5,000.00 元，当年标准 6,000.00 元，至少还差 1,000.01 元',
        '住房安全有保障：未达到',
      ]);
      // The form keeps what was typed.
      await expect(form.getByTestId('field-year').inputValue()).resolves.toBe('2019');
      await page.screenshot({ path: path.join(SHOTS, 'exit-refused.png'), fullPage: true });

      // What the API holds agrees: registered, no exit.
      const client = await api('clerk', '320924101000');
      const id = page.url().split('/households/')[1];
      const { household } = await client.request<{ household: { status: string; exits: unknown[] } }>(
        'query ($id: ID!) { household(id: $id) { status exits { year } } }',
        { id },
      );
      expect(household).toEqual({ status: 'registered', exits: [] });
      await page.close();
    });

    it('an assessor is offered no command and no application form', async () => {
      const page = await newPage();
      await signIn(page, '第三方评估人员', '射阳县');
      await page.getByTestId('total').waitFor();
      expect(await page.getByRole('menuitem', { name: '农户申请' }).count()).toBe(0);
      await page.locator('[data-testid=households] tbody a').first().click();
      await page.getByTestId('facts').waitFor();
      expect(await page.getByTestId('next-steps').count()).toBe(0);
      // 操作留痕 is not in an assessor's menu; opened by its address it says so in Chinese, with
      // nothing to retry and no English.
      expect(await page.getByRole('menuitem', { name: '操作留痕' }).count()).toBe(0);
      await page.goto(`${service.url}/audit`);
      await expect.poll(() => page.getByTestId('error').textContent()).toContain('不能查看此页');
      expect(await page.getByTestId('error').textContent()).not.toMatch(/[A-Za-z]{4,}/);
      expect(await page.getByTestId('error').getByRole('button').count()).toBe(0);
      await page.close();
    });

    it('the dashboard draws its charts from the indicator series the API answers, and drills down to a township', async () => {
      const client = await api('evaluator', '320924000000');
      const series = (areaCode: string) =>
        client.request<{
          areaIndicatorSeries: { year: number; during: Record<string, number>; povertyIncidence: number | null }[];
        }>(
          `query ($areaCode: AreaCode!, $to: Int!) { areaIndicatorSeries(areaCode: $areaCode, fromYear: 2014, toYear: $to) {
             year povertyIncidence during { registrations exits returns removals naturalDecreases } } }`,
          { areaCode, to: new Date().getFullYear() },
        );
      const county = (await series('320924000000')).areaIndicatorSeries;
      const page = await newPage();
      await signIn(page, '考核评估人员', '射阳县');
      await page.getByRole('menuitem', { name: '统计分析' }).click();
      const points = async (chart: string) =>
        JSON.parse((await page.getByTestId(chart).getAttribute('data-points')) ?? '{}') as Record<string, unknown[]>;
      await expect
        .poll(async () => (await points('chart-transitions')).脱贫)
        .toEqual(county.map((y) => y.during.exits));
      expect((await points('chart-transitions')).新识别).toEqual(county.map((y) => y.during.registrations));
      expect((await points('chart-incidence')).贫困发生率).toEqual(
        county.map((y) => (y.povertyIncidence === null ? null : Math.round(y.povertyIncidence * 10_000) / 100)),
      );
      expect(county.some((y) => (y.during.exits ?? 0) > 0)).toBe(true);
      // Drawn, not only configured: the SVG holds the bars and the axis labels.
      expect(await page.getByTestId('chart-transitions').locator('svg path').count()).toBeGreaterThan(10);
      expect(await page.getByTestId('chart-transitions').locator('svg').textContent()).toContain('2018');
      await page.screenshot({ path: path.join(SHOTS, 'dashboard.png'), fullPage: true });

      // 防返贫动态监测, year by year since 2021 and for the year chosen, as the API counts it.
      const monitoring = (
        await client.request<{
          areaIndicatorSeries: {
            year: number;
            monitoring: {
              started: number;
              eliminated: number;
              alerts: { raised: number };
              endOfYear: { households: number; people: number };
            };
          }[];
        }>(
          `query ($to: Int!) { areaIndicatorSeries(areaCode: "320924000000", fromYear: 2021, toYear: $to) {
             year monitoring { started eliminated alerts { raised } endOfYear { households people } } } }`,
          { to: new Date().getFullYear() },
        )
      ).areaIndicatorSeries;
      expect(monitoring.some((y) => y.monitoring.eliminated > 0 && y.monitoring.alerts.raised > 0)).toBe(true);
      await expect
        .poll(async () => (await points('chart-monitoring')).风险消除)
        .toEqual(monitoring.map((y) => y.monitoring.eliminated));
      expect((await points('chart-monitoring')).新纳入监测).toEqual(monitoring.map((y) => y.monitoring.started));
      await choose(page, page.getByTestId('year'), '2022');
      const of2022 = monitoring.find((y) => y.year === 2022)?.monitoring;
      const section = page.getByTestId('monitoring-section');
      await expect
        .poll(() => section.locator('.ant-card-head-title').first().textContent())
        .toBe('2022 防返贫动态监测');
      await expect
        .poll(() => section.getByTestId('alerts-raised').textContent())
        .toContain(String(of2022?.alerts.raised));
      expect(await section.getByTestId('monitored-end-of-year').textContent()).toContain(
        `${of2022?.endOfYear.households} / ${of2022?.endOfYear.people}`,
      );
      await section.scrollIntoViewIfNeeded();
      await section.screenshot({ path: path.join(SHOTS, 'dashboard-monitoring.png') });

      // The county's 19 towns, by name from the national register: too many for buttons.
      await choose(page, page.getByTestId('drill-select'), '临海镇');
      const township = (await series('320924101000')).areaIndicatorSeries;
      await expect
        .poll(async () => (await points('chart-transitions')).脱贫)
        .toEqual(township.map((y) => y.during.exits));
      expect(township.map((y) => y.during.exits)).not.toEqual(county.map((y) => y.during.exits));
      await page.close();
    });

    it('an evaluator filters the audit trail by event type and re-runs 回头看 under a higher income line', async () => {
      const client = await api('evaluator', '320924000000');
      const { auditTrail } = await client.request<{ auditTrail: { edges: unknown[] } }>(
        '{ auditTrail(first: 50, filter: { eventType: "ExitApproved" }) { edges { cursor } } }',
      );
      const page = await newPage();
      await signIn(page, '考核评估人员', '射阳县');
      await page.getByRole('menuitem', { name: '操作留痕' }).click();
      await choose(page, page.getByTestId('audit-type'), '县级批准脱贫退出');
      await expect.poll(() => page.getByTestId('audit-type-cell').count()).toBe(auditTrail.edges.length);
      expect(new Set(await page.getByTestId('audit-type-cell').allTextContents())).toEqual(
        new Set(['县级批准脱贫退出']),
      );
      // Households by their card number (户编号), not an internal id.
      expect(
        (await page.getByTestId('audit-household').allTextContents()).every((t) => /^\d{6}-\d{4}-\d{4}$/.test(t)),
      ).toBe(true);
      // Newest first; an event's fields read as labelled lines in Chinese, never raw JSON.
      const recorded = (
        await client.request<{ auditTrail: { edges: { node: { recordedAt: string } }[] } }>(
          '{ auditTrail(last: 50, filter: { eventType: "ExitApproved" }) { edges { node { recordedAt } } } }',
        )
      ).auditTrail.edges.map((e) => e.node.recordedAt);
      const newest = recorded.at(-1) as string;
      await expect
        .poll(() => page.locator('[data-testid=audit-entries] tbody tr.ant-table-row').first().textContent())
        .toContain(
          new Intl.DateTimeFormat('zh-CN', {
            dateStyle: 'medium',
            timeStyle: 'medium',
            timeZone: 'Asia/Shanghai',
          }).format(new Date(newest)),
        );
      await page.locator('[data-testid=audit-entries] .ant-table-row-expand-icon').first().click();
      const changes = page.getByTestId('audit-changes');
      await expect.poll(() => changes.textContent()).toContain('退出日期');
      expect(await changes.textContent()).toContain('人均纯收入');
      expect(await changes.textContent()).not.toMatch(/[{}"]|exitedOn|incomePerCapitaFen/);
      await page.screenshot({ path: path.join(SHOTS, 'audit.png') });

      await page.getByRole('menuitem', { name: '脱贫退出回头看' }).click();
      const review = async (policy?: unknown) =>
        (
          await client.request<{ exitReview: { exits: number; failing: number } }>(
            'query ($policy: PolicyInput) { exitReview(areaCode: "320924000000", policy: $policy) { ... on ExitReview { exits failing } } }',
            { policy },
          )
        ).exitReview;
      const before = await review();
      await expect
        .poll(() => page.getByTestId('review-summary').textContent())
        .toContain(`共 ${before.exits} 次退出，${before.failing} 次不达标`);
      // Raise 2018's line above every 2018 income: those exits now fail, as the API says.
      await page.getByTestId('line-2018').fill('100000');
      await page.getByTestId('rerun').click();
      await expect
        .poll(() => page.getByTestId('review-summary').textContent())
        .not.toContain(`${before.failing} 次不达标`);
      const summary = (await page.getByTestId('review-summary').textContent()) ?? '';
      const policyId = /政策 (\S+)：/.exec(summary)?.[1];
      const lines = await page.locator('[data-testid^=line-]').evaluateAll((inputs) =>
        inputs.map((i) => ({
          year: Number(i.getAttribute('data-testid')?.slice(5)),
          value: (i as HTMLInputElement).value,
        })),
      );
      const after = await review({
        id: policyId,
        provincialIncomeLines: lines.map((l) => ({
          province: '32',
          year: l.year,
          lineFen: Math.round(Number(l.value.replace(/,/g, '')) * 100),
        })),
      });
      expect(after.failing).toBeGreaterThan(before.failing);
      expect(summary).toContain(`共 ${after.exits} 次退出，${after.failing} 次不达标`);
      await page.close();
    });

    it('an assessor takes the registry as of a date, and neither the page nor the CSV holds a full ID number', async () => {
      const client = await api('assessor', '320924000000');
      const { registrySnapshot } = await client.request<{ registrySnapshot: { households: number } }>(
        '{ registrySnapshot(areaCode: "320924000000", effectiveOn: "2019-12-31") { households } }',
      );
      expect(registrySnapshot.households).toBeGreaterThan(0);
      const page = await newPage();
      await signIn(page, '第三方评估人员', '射阳县');
      await page.getByRole('menuitem', { name: '时点名册' }).click();
      await setDate(page, page.getByTestId('snapshot-date'), '2019-12-31');
      await page.getByTestId('snapshot-show').click();
      await expect
        .poll(() => page.getByTestId('snapshot-households').textContent())
        .toContain(String(registrySnapshot.households));
      const fullId = /\d{17}[\dX]/;
      await page.getByTestId('snapshot-rows').locator('tbody tr').first().waitFor();
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText: the text as rendered, cells apart, as a reader sees it
      expect(await page.locator('body').innerText()).not.toMatch(fullId);
      await page.screenshot({ path: path.join(SHOTS, 'snapshot.png'), fullPage: true });
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
      const file = path.join(dir, 'snapshot.csv');
      await download.saveAs(file);
      const csv = await readFile(file, 'utf8');
      // A byte-order mark, so Excel on Chinese Windows reads the Chinese; Chinese headers.
      expect(csv.startsWith('\uFEFF')).toBe(true);
      const lines = csv.trim().split('\n');
      expect(lines).toHaveLength(registrySnapshot.households + 1);
      expect(lines[0]).toContain('户主身份证号');
      expect(csv).not.toMatch(fullId);
      // The office's file: .xlsx read back, Chinese headers, a row per household, no full ID number.
      const [excel] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
      const workbookFile = path.join(dir, 'snapshot.xlsx');
      await excel.saveAs(workbookFile);
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(workbookFile);
      const sheet = book.worksheets[0];
      expect(sheet?.name).toBe('时点名册');
      expect(sheet?.getRow(1).values).toEqual(expect.arrayContaining(['卡号', '户主姓名', '户主身份证号', '状态']));
      expect(sheet?.rowCount).toBe(registrySnapshot.households + 1);
      expect(JSON.stringify(sheet?.getSheetValues())).not.toMatch(fullId);
      await page.close();
    });

    it('new events in the signed-in area appear without reloading', async () => {
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县千秋镇');
      await expect.poll(() => page.getByTestId('live').textContent()).toContain('实时');
      const client = await api('clerk', '320924102000');
      // The roll on screen first, as the API counts it (not the page before its data came).
      const { households } = await client.request<{ households: { totalCount: number } }>(
        '{ households(first: 0) { totalCount } }',
      );
      const total = households.totalCount;
      await expect.poll(() => page.getByTestId('total').textContent()).toBe(`共 ${total} 户`);
      // 村申请: the village's clerk applies.
      const village = await api('clerk', '320924102201');
      const answer = await applyThroughApi(village, '320924102201', '32092419850607302', '实时测试');
      expect(answer.applyForRegistration.__typename).toBe('CommandSuccess');
      await expect.poll(() => page.getByTestId('total').textContent(), { timeout: 15_000 }).toBe(`共 ${total + 1} 户`);
      await expect.poll(() => page.getByTestId('live').locator('.ant-badge-count').textContent()).toBe('1');
      await page.getByTestId('live').hover();
      await expect.poll(() => page.getByTestId('live-event').first().textContent()).toContain('农户申请');
      await page.close();
    });

    it('the work queue counts households at each step as the API does, and opens the roll filtered to them', async () => {
      const client = await api('clerk', '320924000000');
      // Its own applicant, waiting for the village review.
      const applied = (
        await applyThroughApi(await api('clerk', '320924101202'), '320924101202', '32092419900808402', '待评议户')
      ).applyForRegistration;
      expect(applied.__typename).toBe('CommandSuccess');
      const year = new Date().getFullYear();
      const expected = await client.request<Record<string, { totalCount: number }>>(
        `query ($year: Int!, $waitFor: Position) {
           review: households(first: 0, filter: { openCase: "identification:village_review" }, waitFor: $waitFor) { totalCount }
           fewVisits: households(first: 0, filter: { status: [registered, returned], visitsBelowMinimumIn: $year }) { totalCount }
           monitored: households(first: 0, filter: { monitored: true }) { totalCount } }`,
        { year, waitFor: applied.position },
      );
      expect(expected.review?.totalCount).toBeGreaterThan(0);
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await page.getByRole('menuitem', { name: '待办事项' }).click();
      const count = (key: string) => page.getByTestId(`queue-${key}`).locator('.ant-badge').textContent();
      await expect.poll(() => count('identification_village_review')).toBe(String(expected.review?.totalCount));
      await expect.poll(() => count('fewVisits')).toBe(String(expected.fewVisits?.totalCount));
      await expect.poll(() => count('monitored')).toBe(String(expected.monitored?.totalCount));
      await page.screenshot({ path: path.join(SHOTS, 'queue.png') });
      await page.getByTestId('queue-identification_village_review').click();
      await expect.poll(() => page.getByTestId('total').textContent()).toBe(`共 ${expected.review?.totalCount} 户`);
      await expect.poll(() => page.getByTestId('queue-filter').textContent()).toBe('识别 · 村级评议');
      await page.close();

      // A village's queue: the village review is its own to do; the township's review waits on the
      // township, named, and is not counted as the village's.
      const village = await newPage();
      await signIn(village, '扶贫专干', '临海镇后涧村');
      await village.getByRole('menuitem', { name: '待办事项' }).click();
      const own = village.getByTestId('queue-identification_village_review');
      const theirs = village.getByTestId('queue-identification_township_review');
      await expect.poll(() => theirs.textContent()).toContain('由乡镇办理');
      expect(await own.textContent()).not.toContain('办理');
      expect(await theirs.getAttribute('data-elsewhere')).toBe('true');
      expect(await village.getByTestId('queue-county_approval').count()).toBe(0);
      await expect.poll(() => village.getByTestId('queue-mine').textContent()).toMatch(/待我办理（户）\d+/);
      const sum = async (selector: string) =>
        (await village.locator(selector).locator('.ant-badge').allTextContents()).reduce((n, t) => n + Number(t), 0);
      const mineShown = Number((await village.getByTestId('queue-mine').textContent())?.replace(/\D/g, ''));
      expect(mineShown).toBe(await sum('[data-testid^="queue-"].ant-list-item:not([data-elsewhere])'));
      const elsewhereShown = Number((await village.getByTestId('queue-elsewhere').textContent())?.replace(/\D/g, ''));
      expect(elsewhereShown).toBe(await sum('[data-testid^="queue-"][data-elsewhere]'));
      expect(await village.getByTestId('queue-identification_county_approval').textContent()).toContain('由县级办理');
      await village.close();
    });

    it('a clerk reports an exited household back in poverty: the form asks for a reason, and the household is 返贫', async () => {
      const client = await api('clerk', '320924000000');
      const { households } = await client.request<{ households: { edges: { node: { id: string } }[] } }>(
        '{ households(first: 1, filter: { status: [exited], monitored: false }) { edges { node { id } } } }',
      );
      const id = households.edges[0]?.node.id;
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await page.goto(`${service.url}/households/${id}`);
      await page.getByTestId('step-reportReturnToPoverty').click();
      const form = page.getByTestId('command-form');
      await setDate(page, form.getByTestId('field-effectiveAt'), '2021-06-01');
      await choose(page, form.getByTestId('field-mainCause'), '因病');
      await form.getByTestId('submit').click();
      // Without a reason nothing is sent: the field says so, in Chinese.
      await expect.poll(() => form.textContent()).toContain('请填写事由');
      await form.getByTestId('field-reason').fill('户主突发重病，入户核查人均纯收入低于标准');
      await form.getByTestId('submit').click();
      await form.waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('facts').textContent()).toContain('返贫');
      // The API's read models may answer a moment after the page (which waited for its write).
      const read = () =>
        client.request<{ household: { status: string; returns: { mainCause: string }[] } }>(
          'query ($id: ID!) { household(id: $id) { status returns { mainCause } } }',
          { id },
        );
      await expect.poll(async () => (await read()).household.status).toBe('returned');
      expect((await read()).household.returns.at(-1)?.mainCause).toBe('illness');
      await page.close();
    });

    it('the county annuls a wrong exit (错退): the date is the exit’s, and the household is on the roll again, not returned', async () => {
      const client = await api('clerk', '320924000000');
      const { households } = await client.request<{
        households: { edges: { node: { id: string; exits: { exitedOn: string }[] } }[] };
      }>(
        '{ households(first: 1, filter: { status: [exited], monitored: false }) { edges { node { id exits { exitedOn } } } } }',
      );
      const node = households.edges[0]?.node;
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await page.goto(`${service.url}/households/${node?.id}`);
      await page.getByTestId('step-annulExit').click();
      const form = page.getByTestId('command-form');
      await expect(form.getByTestId('field-effectiveAt').inputValue()).resolves.toBe(node?.exits.at(-1)?.exitedOn);
      await form.getByTestId('field-finding').fill('回头看入户核查：退出当年人均纯收入未稳定超过标准');
      await form.getByTestId('submit').click();
      await form.waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('facts').textContent()).not.toContain('已脱贫');
      await expect.poll(() => page.getByTestId('facts').textContent()).toContain('建档立卡');
      await expect
        .poll(
          async () =>
            (
              await client.request<{ household: { status: string } }>(
                'query ($id: ID!) { household(id: $id) { status } }',
                { id: node?.id },
              )
            ).household.status,
        )
        .toBe('registered');
      const { household } = await client.request<{
        household: { status: string; exits: unknown[]; returns: unknown[]; wrongExits: { source: string }[] };
      }>(
        'query ($id: ID!) { household(id: $id) { status exits { year } returns { returnedOn } wrongExits { source } } }',
        {
          id: node?.id,
        },
      );
      expect(household).toMatchObject({ status: 'registered', returns: [], wrongExits: [{ source: 'review' }] });
      await page.close();
    });

    it('a county clerk imports a roll file: a bad one is refused with each row and column in Chinese, a good one is taken', async () => {
      const id = (first17: string) => first17 + nationalIdCheckChar(first17);
      const header =
        '户编号,村代码,地址,卡号,建档日期,贫困户属性,主要致贫原因,状态,脱贫年度,脱贫日期,人均纯收入（元）,姓名,身份证号,与户主关系';
      const good = [
        header,
        `A1,320924101201,新东村一组1号,UI-IMPORT-0001,2016-05-01,一般贫困户,因病,建档立卡,,,,导入户主,${id('32092419660101301')},户主`,
        `A1,320924101201,新东村一组1号,UI-IMPORT-0001,2016-05-01,一般贫困户,因病,建档立卡,,,,导入配偶,${id('32092419680202302')},配偶`,
      ].join('\n');
      // The spouse's relation is not one of the values: the whole file is refused.
      const bad = good.replace(/,配偶$/, ',表亲');
      const dir = await mkdtemp(path.join(tmpdir(), 'console-import-'));
      const page = await newPage();
      try {
        await signIn(page, '扶贫专干', '射阳县');
        await page.getByRole('menuitem', { name: '名册导入' }).click();
        const form = page.getByTestId('import');
        await writeFile(path.join(dir, 'bad.csv'), `\uFEFF${bad}\n`);
        await form.getByTestId('import-file').setInputFiles(path.join(dir, 'bad.csv'));
        await form.getByTestId('import-submit').click();
        await expect.poll(() => form.getByTestId('import-refused').textContent()).toContain('未导入任何数据');
        await expect.poll(() => form.getByTestId('import-problems').textContent()).toContain('“表亲”不是可选的值');
        await page.screenshot({ path: path.join(SHOTS, 'import-refused.png'), fullPage: true });
        await writeFile(path.join(dir, 'good.csv'), `\uFEFF${good}\n`);
        await form.getByTestId('import-file').setInputFiles(path.join(dir, 'good.csv'));
        await form.getByTestId('import-submit').click();
        await expect.poll(() => form.getByTestId('import-done').textContent()).toContain('已导入 1 户');
      } finally {
        await page.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('signs in with a token pasted from the identity provider, and refuses an unreadable one in place', async () => {
      const response = await fetch(`${service.url}/console-api/demo-session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ role: 'evaluator', areaCode: '320924102000' }),
      });
      const { token } = (await response.json()) as { token: string };
      const page = await newPage();
      await page.goto(`${service.url}/sign-in`);
      await page.getByTestId('use-token').click();
      await page.getByTestId('token').fill('not-a-token');
      await page.getByTestId('token-sign-in').click();
      await expect.poll(() => page.locator('.ant-alert-error').textContent()).toContain('令牌无法识别或已过期');
      await page.getByTestId('token').fill(token);
      await page.getByTestId('token-sign-in').click();
      await expect.poll(() => page.getByTestId('whoami').textContent()).toContain('考核评估人员');
      // The header names the area (the national register's names), never its code.
      await expect.poll(() => page.getByTestId('whoami').textContent()).toContain('射阳县千秋镇');
      expect(await page.getByTestId('whoami').textContent()).not.toContain('320924');
      await page.close();
    });

    it('a clerk adds a newborn to a household; the ID number is checked as it is typed', async () => {
      const client = await api('clerk', '320924000000');
      const { households } = await client.request<{
        households: { edges: { node: { id: string; memberCount: number } }[] };
      }>('{ households(first: 1, filter: { status: [registered] }) { edges { node { id memberCount } } } }');
      const household = households.edges[0]?.node;
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await page.goto(`${service.url}/households/${household?.id}`);
      await page.getByTestId('step-addMember').click();
      const form = page.getByTestId('command-form');
      await setDate(page, form.getByTestId('field-effectiveAt'), '2020-02-03');
      await form.getByTestId('field-name').fill('新生儿');
      const first17 = '32092420200201101';
      const right = nationalIdCheckChar(first17);
      await form.getByTestId('field-nationalId').fill(`${first17}${right === '3' ? '4' : '3'}`);
      await expect.poll(() => form.textContent()).toContain(`校验码不对：按前17位应为 ${right}`);
      await form.getByTestId('field-nationalId').fill(`${first17}${right}`);
      await form.getByTestId('submit').click();
      await form.waitFor({ state: 'detached' });
      await expect
        .poll(() => page.getByTestId('members').locator('tbody tr').count())
        .toBe((household?.memberCount ?? 0) + 1);
      expect(await page.getByTestId('members').textContent()).toContain('新生儿');
      await page.close();
    });

    it('a clerk records a new address as a change from a date, kept in the history', async () => {
      const client = await api('clerk', '320924000000');
      const { households } = await client.request<{
        households: { edges: { node: { id: string; history: { totalCount: number } } }[] };
      }>('{ households(first: 1, filter: { status: [exited] }) { edges { node { id history { totalCount } } } } }');
      const household = households.edges[0]?.node;
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await page.goto(`${service.url}/households/${household?.id}`);
      await page.getByTestId('step-changeHouseholdDetails').click();
      const form = page.getByTestId('command-form');
      await setDate(page, form.getByTestId('field-effectiveAt'), '2022-03-01');
      await form.getByTestId('field-address').fill('易地搬迁安置区3栋201');
      await form.getByTestId('submit').click();
      await form.waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('facts').textContent()).toContain('易地搬迁安置区3栋201');
      await page.getByRole('tab', { name: '历史记录' }).click();
      await expect
        .poll(() => page.getByTestId('timeline-entry').count())
        .toBe((household?.history.totalCount ?? 0) + 1);
      expect(await page.getByTestId('timeline-entry').last().textContent()).toContain('户信息变更');
      await page.close();
    });

    it('an assessor opens an assessment with a committed seed, draws, records findings and reads the 三率一度 the API gives, with no full ID number in sight', async () => {
      const client = await api('assessor', '320924000000');
      const page = await newPage();
      await signIn(page, '第三方评估人员', '射阳县');
      await page.getByRole('menuitem', { name: '第三方评估' }).click();
      await page.getByTestId('assessment-new').click();
      const form = page.getByTestId('assessment-open');
      await form.getByTestId('assessment-title').fill('2020年度射阳县退出第三方评估');
      await form.locator('#year').fill('2020');
      await setDate(page, form.getByTestId('assessment-cutoff'), '2020-12-31');
      for (const [name, n] of [
        ['poorVillages', '1'],
        ['otherVillages', '1'],
        ['exitedPerVillage', '2'],
        ['registeredPerVillage', '2'],
      ] as const) {
        await form.getByTestId(`assessment-${name}`).fill(n);
      }
      // The county's villages by name, from the national register: found by typing.
      await form.getByTestId('assessment-poor-villages').click();
      await page.keyboard.type('新东村');
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '临海镇新东村' }).click();
      await page.keyboard.press('Escape');
      const seed = await form.getByTestId('assessment-seed').inputValue();
      expect(seed).toMatch(/^[0-9a-f]{64}$/);
      await form.getByTestId('assessment-open-submit').click();
      await page.getByTestId('assessment-draw').waitFor();
      const id = page.url().split('/assessments/')[1] as string;
      // Only the commitment went to the API; this browser kept the seed for the draw.
      const opened = await client.request<{ thirdPartyAssessment: { seedCommitment: string; sample: null } }>(
        'query ($id: ID!) { thirdPartyAssessment(assessmentId: $id) { seedCommitment sample { seed } } }',
        { id },
      );
      expect(opened.thirdPartyAssessment.sample).toBeNull();
      expect(opened.thirdPartyAssessment.seedCommitment).toBe(createHash('sha256').update(seed).digest('hex'));
      await expect(page.getByTestId('draw-seed').inputValue()).resolves.toBe(seed);
      await page.getByTestId('draw-submit').click();
      const sample = page.getByTestId('assessment-sample');
      await sample.locator('tbody tr').first().waitFor();
      await expect.poll(() => page.getByTestId('assessment-revealed-seed').textContent()).toBe(seed);

      // The first household drawn: found as the registry has it (income above the line, all met).
      const first = sample.locator('tbody tr').first();
      const stratum = (await first.textContent())?.includes('已脱贫户') ? 'correctly_exited' : 'correctly_registered';
      await first.getByTestId('finding-open').click();
      const finding = page.getByTestId('finding-form');
      await finding.getByTestId('finding-income').fill('9000');
      await finding
        .getByTestId('finding-verdict')
        .getByText(stratum === 'correctly_exited' ? '脱贫准确' : '识别准确')
        .click();
      await finding.getByTestId('finding-submit').click();
      if (stratum === 'correctly_registered') {
        // Income above the line and every condition met, yet still poor: the notes must say why.
        await expect.poll(() => finding.getByTestId('finding-refusal').textContent()).toContain('备注');
        await finding.getByTestId('finding-notes').fill('务工收入不稳定');
        await finding.getByTestId('finding-submit').click();
      }
      await finding.waitFor({ state: 'detached', timeout: 15_000 }).catch(async (e) => {
        throw new Error(`${e}: ${await finding.textContent()}`);
      });
      await expect.poll(() => first.textContent()).toContain(stratum === 'correctly_exited' ? '脱贫准确' : '识别准确');

      // A household outside the registry, found poor: 漏评.
      await page.getByRole('tab', { name: '非建档立卡户调查' }).click();
      await page.getByTestId('outside-open').click();
      const outside = page.getByTestId('finding-form');
      await outside.getByTestId('finding-label').fill('一组-9');
      await outside
        .getByTestId('finding-national-id')
        .fill(`32092419700101777${nationalIdCheckChar('32092419700101777')}`);
      await outside.getByTestId('finding-people').fill('3');
      await outside.getByTestId('finding-income').fill('3000');
      await outside.getByTestId('finding-verdict').getByText('漏评').click();
      await outside.getByTestId('finding-submit').click();
      await outside.waitFor({ state: 'detached', timeout: 15_000 }).catch(async (e) => {
        throw new Error(`${e}: ${await outside.textContent()}`);
      });
      await page.getByTestId('assessment-outside').locator('tbody tr').first().waitFor();

      // The results the page shows are the API's.
      await page.getByRole('tab', { name: '评估结果' }).click();
      const { thirdPartyAssessment } = await client.request<{
        thirdPartyAssessment: { results: { recommendation: string; omission: { value: number | null } } };
      }>(
        'query ($id: ID!) { thirdPartyAssessment(assessmentId: $id) { results { recommendation omission { value } } } }',
        {
          id,
        },
      );
      const omission = thirdPartyAssessment.results.omission.value;
      expect(omission).toBeGreaterThan(0);
      await expect
        .poll(() => page.getByTestId('rate-omission').textContent())
        .toContain(`${((omission as number) * 100).toFixed(2)}%`);
      await expect.poll(() => page.getByTestId('assessment-recommendation').textContent()).toBe('评估尚未完成');
      await page.getByTestId('assessment-verify').click();
      await expect.poll(() => page.getByTestId('assessment-verified').textContent()).toContain('一致');
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText: the text as rendered, as a reader sees it
      // An ID number stands alone; the page's hashes (the seed's, the log head's root) are runs of
      // hex digits that may hold eighteen decimal digits in a row.
      expect(await page.locator('body').innerText()).not.toMatch(/(?<![0-9a-f])\d{17}[\dX](?![0-9a-f])/);
      await page.screenshot({ path: path.join(SHOTS, 'assessment.png'), fullPage: true });

      // The printable report opens in a new tab, with its charts.
      const [report] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('assessment-print').click()]);
      await report.waitForLoadState();
      await expect.poll(() => report.locator('body').textContent()).toContain('综合贫困发生率');
      expect(await report.locator('svg').count()).toBeGreaterThanOrEqual(4);
      await report.screenshot({ path: path.join(SHOTS, 'assessment-report.png'), fullPage: true });
      await report.close();
      await page.close();
    });

    it('the county designates a poor village, the township proposes its exit (refused without a population, then taken), the county approves and announces it', async () => {
      const WEST_LAKE = '320924101202';
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await page.getByRole('menuitem', { name: '贫困村与退出' }).click();
      // A village not yet poor is chosen by name, town then village.
      await pickArea(page, page.getByTestId('area-exits-code'), ['临海镇', '后涧村']);
      const row = page.getByTestId(`area-row-${WEST_LAKE}`);
      await row.getByTestId('area-designate').click();
      let form = page.getByTestId('area-step-form');
      await form.getByTestId('area-year').fill('2015');
      await form.getByTestId('area-submit').click();
      await form.waitFor({ state: 'detached' });
      await expect.poll(() => row.textContent()).toContain('2015年起为贫困村');
      // Proposing is the township's step: the county is not offered it.
      expect(await row.getByTestId('area-propose').count()).toBe(0);
      await page.close();

      const township = await newPage();
      await signIn(township, '扶贫专干', '射阳县临海镇');
      await township.getByRole('menuitem', { name: '贫困村与退出' }).click();
      const own = township.getByTestId(`area-row-${WEST_LAKE}`);
      await own.getByTestId('area-propose').click();
      form = township.getByTestId('area-step-form');
      await form.getByTestId('area-year').fill('2024');
      await form.getByTestId('area-submit').click();
      await expect.poll(() => form.getByTestId('area-refusal').textContent()).toContain('缺少当年农村人口数');
      await form.getByTestId('area-year').fill('2020');
      await form.getByTestId('area-submit').click();
      await form.waitFor({ state: 'detached' });
      await expect.poll(() => own.getByTestId('area-step').textContent()).toContain('2020年度退出待审核');
      await township.screenshot({ path: path.join(SHOTS, 'area-exits.png'), fullPage: true });
      await township.close();

      const county = await newPage();
      await signIn(county, '扶贫专干', '射阳县');
      await county.getByRole('menuitem', { name: '贫困村与退出' }).click();
      const again = county.getByTestId(`area-row-${WEST_LAKE}`);
      await again.getByTestId('area-review').click();
      await county.getByTestId('area-step-form').getByTestId('area-submit').click();
      await county.getByTestId('area-step-form').waitFor({ state: 'detached' });
      await again.getByTestId('area-announce').click();
      await county.getByTestId('area-step-form').getByTestId('area-submit').click();
      await county.getByTestId('area-step-form').waitFor({ state: 'detached' });
      await expect.poll(() => again.getByTestId('area-exited').textContent()).toContain('退出');
      await county.close();
    });

    it('a village clerk records a risk alert, finds it overdue on the 风险预警 queue, and verifies it from there', async () => {
      const VILLAGE = '320924101201';
      const client = await api('clerk', VILLAGE);
      const { households } = await client.request<{ households: { edges: { node: { id: string } }[] } }>(
        '{ households(first: 1, filter: { status: [exited], monitored: false }) { edges { node { id } } } }',
      );
      const id = households.edges[0]?.node.id;
      const page = await newPage();
      await signIn(page, '扶贫专干', '临海镇新东村');
      await page.goto(`${service.url}/households/${id}`);
      await step(page, 'raiseRiskAlert', '2022-03-01', async (form) => {
        await choose(page, form.getByTestId('field-channel'), '农户自主申报');
        await form.getByTestId('field-risks').click();
        await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="因病"]').click();
        await page.keyboard.press('Escape');
        await closed(page);
        await form.getByTestId('field-detail').fill('户主住院治疗，自付医疗费用较大');
      });
      // The work queue counts it, overdue, and opens the alert queue.
      await page.getByRole('menuitem', { name: '待办事项' }).click();
      const queued = page.getByTestId('queue-alerts');
      await expect.poll(() => queued.locator('.ant-badge').textContent()).toBe('1');
      await expect.poll(() => queued.textContent()).toContain('逾期 1');
      await queued.click();
      const list = page.getByTestId('alert-list');
      await expect.poll(() => list.textContent()).toContain('户主住院治疗');
      // Raised in 2022, to be verified within 7 days: long overdue, in red.
      await expect.poll(() => list.getByTestId('alert-deadline').first().textContent()).toMatch(/逾期 \d+ 天/);
      await expect.poll(() => page.getByTestId('alerts-overdue').textContent()).toContain('1');
      await page.screenshot({ path: path.join(SHOTS, 'alerts.png'), fullPage: true });
      await list.getByTestId('alert-household').first().click();
      await step(page, 'verifyRiskAlert', '2022-03-05', async (form) => {
        await form.getByTestId('field-alertId').click();
        await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
        await closed(page);
        await choose(page, form.getByTestId('field-outcome'), '核实无风险，不纳入');
        await form.getByTestId('field-incomePerCapita').fill('12000');
        await form.getByTestId('field-rigidExpenditure').fill('3000');
        await form.getByTestId('field-notes').fill('医疗费用已由大病保险报销，家庭收入稳定');
      });
      // The household's own tab lists the alert with its outcome.
      await page.getByRole('tab', { name: '风险预警' }).click();
      await expect
        .poll(() => page.getByTestId('household-alerts').textContent())
        .toContain('核实无风险，不纳入（2022年3月5日）');
      await page.getByRole('menuitem', { name: '风险预警' }).click();
      await expect.poll(() => page.getByTestId('alerts-pending').textContent()).toContain('0');
      await page.getByTestId('alerts-all').click();
      await expect.poll(() => page.getByTestId('alert-list').textContent()).toContain('核实无风险，不纳入');
      await page.close();
    });

    it('a clerk cancels a measure, and its status shows with the household’s measures', async () => {
      const client = await api('clerk', '320924000000');
      const { households } = await client.request<{
        households: {
          edges: {
            node: { id: string; measures: { measureId: string; year: number; description: string; status: string }[] };
          }[];
        };
      }>(
        '{ households(first: 30, filter: { status: [registered, exited, returned] }) { edges { node { id measures { measureId year description status } } } } }',
      );
      const node = households.edges.map((e) => e.node).find((n) => n.measures.some((m) => m.status === 'planned'));
      const measure = node?.measures.find((m) => m.status === 'planned');
      expect(measure).toBeDefined();
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await page.goto(`${service.url}/households/${node?.id}`);
      await page.getByTestId('step-changeMeasureStatus').click();
      const form = page.getByTestId('command-form');
      await choose(page, form.getByTestId('field-measureId'), `${measure?.year} ${measure?.description}`);
      await choose(page, form.getByTestId('field-status'), '已取消');
      await form.getByTestId('submit').click();
      await form.waitFor({ state: 'detached' });
      await expect
        .poll(async () => {
          const { household } = await client.request<{
            household: { measures: { measureId: string; status: string }[] };
          }>('query ($id: ID!) { household(id: $id) { measures { measureId status } } }', { id: node?.id });
          return household.measures.find((m) => m.measureId === measure?.measureId)?.status;
        })
        .toBe('cancelled');
      await page.getByRole('tab', { name: '帮扶措施' }).click();
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText: the text as rendered
      await expect.poll(() => page.locator('body').innerText()).toContain('已取消');
      await page.close();
    });

    it('a county clerk uploads an agency’s comparison file: the match is recorded and the household lands on the review list', async () => {
      const client = await api('clerk', '320924000000');
      const { households } = await client.request<{
        households: {
          edges: { node: { id: string; cardNumber: string; members: { nationalId: string; relation: string }[] } }[];
        };
      }>(
        '{ households(first: 5, filter: { status: [registered, returned] }) { edges { node { id cardNumber members { nationalId relation } } } } }',
      );
      const target = households.edges[0]?.node;
      const id = target?.members.find((m) => m.relation === 'head')?.nationalId;
      const unknown = `32092419800101555${nationalIdCheckChar('32092419800101555')}`;
      const file = [
        '身份证号,比对部门,比对结果,是否不符合条件',
        `${id},工商登记,经营有限公司法定代表人,是`,
        `${unknown},车辆登记,轿车一辆,是`,
      ].join('\n');
      const dir = await mkdtemp(path.join(tmpdir(), 'console-comparison-'));
      const page = await newPage();
      try {
        await writeFile(path.join(dir, '工商比对.csv'), `\uFEFF${file}\n`);
        await signIn(page, '扶贫专干', '射阳县');
        await page.getByRole('menuitem', { name: '数据比对' }).click();
        await page.getByTestId('comparison-file').setInputFiles(path.join(dir, '工商比对.csv'));
        await page.getByTestId('comparison-submit').click();
        await expect
          .poll(() => page.getByTestId('comparison-done').textContent())
          .toContain('已登记 1 条（1 条不符合条件）');
        await expect.poll(() => page.getByTestId('comparison-done').textContent()).toContain('未找到未销户农户的行：3');
        await expect.poll(() => page.getByTestId('review-list').textContent()).toContain(target?.cardNumber ?? '?');
        await expect.poll(() => page.getByTestId('review-list').textContent()).toContain('工商登记');
      } finally {
        await page.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('a village clerk records a household not on file with its risk alert, and finds it on the household page', async () => {
      const page = await newPage();
      await signIn(page, '扶贫专干', '临海镇新东村');
      // From the alert queue: a household not on file comes in with its alert.
      await page.getByRole('menuitem', { name: '风险预警' }).click();
      await page.getByTestId('alert-new-household').click();
      const apply = page.getByTestId('apply');
      await expect.poll(() => apply.textContent()).toContain('2021年起不再受理建档立卡申请');
      // The date picker offers no day after today (China's date): a record takes effect by today.
      const chinaDay = (offset: number) =>
        new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(
          new Date(Date.now() + offset * 86_400_000),
        );
      await apply.getByTestId('field-effectiveAt').click();
      const cell = (day: string) => page.locator(`.ant-picker-dropdown:visible .ant-picker-cell[title="${day}"]`);
      await expect.poll(() => cell(chinaDay(1)).getAttribute('class')).toContain('ant-picker-cell-disabled');
      expect(await cell(chinaDay(0)).getAttribute('class')).not.toContain('ant-picker-cell-disabled');
      await page.keyboard.press('Escape');
      await setDate(page, apply.getByTestId('field-effectiveAt'), '2026-11-30');
      await apply.getByTestId('field-address').fill('新东村七组3号');
      await apply.getByTestId('member-name').fill('未建档户主');
      const first17 = '32092419700101881';
      await apply.getByTestId('member-nationalId').fill(`${first17}${nationalIdCheckChar(first17)}`);
      await choose(page, apply.getByTestId('field-channel'), '干部排查');
      await apply.getByTestId('field-risks').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="因病"]').click();
      await page.keyboard.press('Escape');
      await closed(page);
      await apply.getByTestId('field-detail').fill('排查发现：户主患尿毒症，每周透析，家庭未建档');
      await apply.getByTestId('submit').click();
      await page.waitForURL(/\/households\//);
      await page.getByRole('tab', { name: '风险预警' }).click();
      await expect.poll(() => page.getByTestId('household-alerts').textContent()).toContain('排查发现：户主患尿毒症');
      await page.close();
    });

    it('a county clerk uploads a 医保 screening: a bad file is refused whole, a good one lands on the village’s alert queue', async () => {
      const client = await api('clerk', '320924102202');
      const { households } = await client.request<{
        households: { edges: { node: { id: string; members: { nationalId: string; relation: string }[] } }[] };
      }>(
        '{ households(first: 1, filter: { status: [registered] }) { edges { node { id members { nationalId relation } } } } }',
      );
      const id = households.edges[0]?.node.members.find((m) => m.relation === 'head')?.nationalId;
      expect(id).toBeDefined();
      const unknown = `32092419800101556${nationalIdCheckChar('32092419800101556')}`;
      const header = '身份证号,预警部门,预警指标,金额（元）,风险类型,风险情况,发现日期';
      const dir = await mkdtemp(path.join(tmpdir(), 'console-alert-batch-'));
      const page = await newPage();
      try {
        await writeFile(
          path.join(dir, 'bad.csv'),
          `\uFEFF${[header, `${id},海关,进出口,100,因病,筛查,2026-11-02`].join('\n')}\n`,
        );
        await writeFile(
          path.join(dir, '医保筛查.csv'),
          `\uFEFF${[
            header,
            `${id},医保部门,个人自付医疗费用,21000,因病,医保筛查：年度自付医疗费用超过预警线,2026-11-02`,
            `${unknown},医保部门,个人自付医疗费用,18000,因病,医保筛查：未建档人员,2026-11-02`,
          ].join('\n')}\n`,
        );
        await signIn(page, '扶贫专干', '射阳县');
        await page.getByRole('menuitem', { name: '风险预警' }).click();
        const upload = page.getByTestId('alert-batch');
        await upload.getByTestId('alert-batch-file').setInputFiles(path.join(dir, 'bad.csv'));
        await upload.getByTestId('alert-batch-submit').click();
        await expect
          .poll(() => upload.getByTestId('alert-batch-problems').textContent())
          .toContain('不是可选的预警部门');
        await upload.getByTestId('alert-batch-file').setInputFiles(path.join(dir, '医保筛查.csv'));
        await upload.getByTestId('alert-batch-submit').click();
        await expect.poll(() => upload.getByTestId('alert-batch-done').textContent()).toContain('已生成风险预警 1 条');
        expect(await upload.getByTestId('alert-batch-done').textContent()).toContain('未建档，请核实后纳入）：3');
        await expect
          .poll(() => page.getByTestId('alert-list').textContent(), { timeout: 15_000 })
          .toContain('医保筛查：年度自付医疗费用超过预警线');
        expect(await page.getByTestId('alert-list').textContent()).toContain('部门筛查预警（医保部门）');
        await page.screenshot({ path: path.join(SHOTS, 'alert-batch.png'), fullPage: true });
      } finally {
        await page.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('a township moves a household to another township (易地扶贫搬迁), and that township accepts it from its work queue', async () => {
      const here = await api('clerk', '320924101000');
      const { households } = await here.request<{
        households: { edges: { node: { id: string; openCase: unknown; status: string } }[] };
      }>(
        '{ households(first: 20, filter: { status: [registered, exited] }) { edges { node { id status openCase { kind } } } } }',
      );
      const node = households.edges.map((e) => e.node).find((n) => !n.openCase);
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县临海镇');
      await page.goto(`${service.url}/households/${node?.id}`);
      await page.getByTestId('step-proposeMove').click();
      const form = page.getByTestId('command-form');
      await form.getByTestId('field-toVillageCode').fill('320924102201');
      await form.getByTestId('field-address').fill('千秋镇安置小区3栋201');
      await form.getByTestId('field-relocation').click();
      await form.getByTestId('submit').click();
      await form.waitFor({ state: 'detached' });
      await page.close();

      const there = await newPage();
      await signIn(there, '扶贫专干', '射阳县千秋镇');
      await there.getByRole('menuitem', { name: '待办事项' }).click();
      const move = there.getByTestId('incoming-move').first();
      await expect.poll(() => move.textContent()).toContain('易地扶贫搬迁');
      await move.getByTestId('accept-move').click();
      const theirs = await api('clerk', '320924102000');
      await expect
        .poll(async () => {
          const { household } = await theirs.request<{ household: { villageCode: string } | null }>(
            'query ($id: ID!) { household(id: $id) { villageCode } }',
            { id: node?.id },
          );
          return household?.villageCode;
        })
        .toBe('320924102201');
      await there.close();
    });

    it('a clerk records the household plan of a year (一户一策), shown with its measures', async () => {
      const client = await api('clerk', '320924000000');
      const { households } = await client.request<{ households: { edges: { node: { id: string } }[] } }>(
        '{ households(first: 1, filter: { status: [registered, returned] }) { edges { node { id } } } }',
      );
      const id = households.edges[0]?.node.id;
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await page.goto(`${service.url}/households/${id}`);
      await page.getByTestId('step-recordHouseholdPlan').click();
      const form = page.getByTestId('command-form');
      await form.getByTestId('field-year').fill('2021');
      await form.getByTestId('field-goal').fill('发展湖羊养殖，年底人均纯收入超过标准');
      await form.getByTestId('field-categories').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="产业扶贫"]').click();
      await page.keyboard.press('Escape');
      await form.getByTestId('submit').click();
      await form.waitFor({ state: 'detached' });
      await page.getByRole('tab', { name: '帮扶措施' }).click();
      await expect.poll(() => page.getByTestId('plans').textContent()).toContain('2021年帮扶计划');
      await expect.poll(() => page.getByTestId('plans').textContent()).toContain('产业扶贫');
      await page.close();
    });

    it('the province’s admin records a policy version from a date; a clerk reads the versions and may not record one', async () => {
      const clerk = await newPage();
      await signIn(clerk, '扶贫专干', '射阳县');
      await clerk.getByRole('menuitem', { name: '政策参数' }).click();
      await expect.poll(() => clerk.getByTestId('policy').textContent()).toContain('national-2014');
      expect(await clerk.getByTestId('policy-new').count()).toBe(0);
      // A province's own income line is read by the province's name, not its code.
      await clerk.getByTestId('policy').locator('.ant-table-row-expand-icon').first().click();
      await expect.poll(() => clerk.getByTestId('policy').textContent()).toContain('江苏省 2014');
      expect(await clerk.getByTestId('policy').textContent()).not.toContain('32 2014');
      await clerk.close();

      // The province's admins have no area: signed in with a token from the identity provider.
      const { page, token } = await signInAsProvinceAdmin();
      await page.getByTestId('whoami').waitFor();
      await page.getByRole('menuitem', { name: '政策参数' }).click();
      await expect.poll(() => page.getByTestId('policy').textContent()).toContain('现行');
      await page.getByTestId('policy-new').click();
      const form = page.getByTestId('policy-form');
      await form.getByTestId('policy-id').fill('jiangsu-2026');
      await setDate(page, form.getByTestId('policy-effective'), '2026-01-01');
      await form.getByTestId('policy-notice-days').fill('10');
      await form.getByTestId('policy-reason').fill('苏扶办〔2026〕1号');
      await form.getByTestId('policy-submit').click();
      await form.waitFor({ state: 'detached' });
      const table = page.getByTestId('policy');
      await expect.poll(() => table.textContent()).toContain('jiangsu-2026');
      await expect.poll(() => table.textContent()).toContain('苏扶办〔2026〕1号');
      await page.screenshot({ path: path.join(SHOTS, 'policy.png'), fullPage: true });
      await page.close();
      const admin = new GraphQLClient(`${service.url}/graphql`, { headers: { Authorization: `Bearer ${token}` } });
      const { policyInForce } = await admin.request<{ policyInForce: { id: string; noticeDays: number } }>(
        '{ policyInForce(on: "2026-06-01") { id noticeDays } }',
      );
      expect(policyInForce).toEqual({ id: 'jiangsu-2026', noticeDays: 10 });
    });

    it('the province’s admin renames a village from a date in the register of divisions; a clerk reads the register and may not change it', async () => {
      const clerk = await newPage();
      await signIn(clerk, '扶贫专干', '射阳县');
      await clerk.getByRole('menuitem', { name: '行政区划' }).click();
      const list = clerk.getByTestId('divisions');
      // The county's 19 towns, by name with their codes, from the national register's 2023 edition.
      await expect.poll(() => list.textContent()).toContain('临海镇320924101000');
      expect(await list.textContent()).toContain('2023年统计用区划代码');
      expect(await clerk.locator('[data-testid^="rename-"]').count()).toBe(0);
      await clerk.close();

      const { page } = await signInAsProvinceAdmin();
      await page.getByRole('menuitem', { name: '行政区划' }).click();
      const table = page.getByTestId('divisions');
      for (const name of ['江苏省', '盐城市', '射阳县', '临海镇']) {
        await table.getByRole('button', { name, exact: true }).click();
      }
      await expect.poll(() => table.textContent()).toContain('渠西村320924101203');
      await page.getByTestId('rename-320924101203').click();
      const form = page.getByTestId('division-form');
      await form.getByTestId('division-name').fill('渠西社区');
      await setDate(page, form.getByTestId('division-date'), '2026-01-01');
      await form.getByTestId('division-reason').fill('射民〔2025〕12号');
      await form.getByTestId('division-submit').click();
      await form.waitFor({ state: 'detached' });
      await expect.poll(() => table.textContent()).toContain('渠西社区320924101203已登记变更');
      await page.screenshot({ path: path.join(SHOTS, 'divisions.png'), fullPage: true });

      // The admin's record of reads of personal data: the clerk's roll export above, with its
      // stated purpose; the readers' volumes beside their usual.
      await page.getByRole('menuitem', { name: '个人信息查询记录' }).click();
      const records = page.getByTestId('reads-records');
      await records.locator('tbody tr.ant-table-row').first().waitFor();
      await page.getByTestId('reads-actor').locator('input').fill('demo-clerk-320924000000');
      await page.getByTestId('reads-actor').locator('input').press('Enter');
      await expect
        .poll(() => records.locator('tbody tr.ant-table-row', { hasNotText: 'demo-clerk-320924000000' }).count())
        .toBe(0);
      // Newest first: the export lies a page or two back, behind the clerk's later reads.
      for (let i = 0; i < 5 && !(await records.textContent())?.includes('导出名册'); i++) {
        if (await page.getByTestId('reads-older').isDisabled()) break;
        await page.getByTestId('reads-older').click();
        await expect.poll(() => page.locator('.ant-spin-spinning').count()).toBe(0);
      }
      expect(await records.textContent()).toContain('导出名册');
      expect(await records.textContent()).toContain('年度动态调整核对');
      await expect.poll(() => page.getByTestId('reads-volumes').textContent()).toContain('查询次数');
      await page.screenshot({ path: path.join(SHOTS, 'reads.png'), fullPage: true });
      await page.close();
    });

    it('a clerk moves a member to another household (婚迁) in one step: the person leaves one and joins the other', async () => {
      const client = await api('clerk', '320924000000');
      type Node = {
        id: string;
        cardNumber: string | null;
        members: { memberId: string; name: string; relation: string }[];
      };
      const { households } = await client.request<{ households: { edges: { node: Node }[] } }>(
        '{ households(first: 40, filter: { status: [registered] }) { edges { node { id cardNumber members { memberId name relation } } } } }',
      );
      const nodes = households.edges.map((e) => e.node).filter((n) => n.cardNumber);
      const from = nodes.find((n) => n.members.some((m) => m.relation !== 'head')) as Node;
      const to = nodes.find((n) => n.id !== from.id) as Node;
      const mover = from.members.find((m) => m.relation !== 'head') as Node['members'][number];
      const page = await newPage();
      await signIn(page, '扶贫专干', '射阳县');
      await page.goto(`${service.url}/households/${from.id}`);
      await page.getByTestId('step-moveMember').click();
      const form = page.getByTestId('move-member-form');
      await choose(page, form.getByTestId('move-member'), mover.name);
      await form.getByTestId('move-target').fill('no-such-card');
      await choose(page, form.getByTestId('move-relation'), '其他');
      await form.getByTestId('move-submit').click();
      await expect
        .poll(() => form.getByTestId('move-refusal').textContent())
        .toContain('找不到卡号为 no-such-card 的农户');
      await form.getByTestId('move-target').fill(to.cardNumber as string);
      await form.getByTestId('move-submit').click();
      await form.waitFor({ state: 'detached' });
      const membersOf = async (id: string) =>
        (
          await client.request<{ household: { members: { memberId: string }[] } }>(
            'query($id: ID!) { household(id: $id) { members { memberId } } }',
            { id },
          )
        ).household.members.map((m) => m.memberId);
      await expect.poll(() => membersOf(to.id)).toContain(mover.memberId);
      expect(await membersOf(from.id)).not.toContain(mover.memberId);
      await page.close();
    });

    it('every page passes an axe-core check with no serious or critical violation', async () => {
      const client = await api('clerk', '320924000000');
      const { households } = await client.request<{ households: { edges: { node: { id: string } }[] } }>(
        '{ households(first: 1) { edges { node { id } } } }',
      );
      const axe = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
      const found: string[] = [];
      const check = async (page: Page, name: string) => {
        await page.addScriptTag({ content: axe });
        const violations = await page.evaluate(async () => {
          const run = (
            globalThis as unknown as {
              axe: {
                run: (o: unknown) => Promise<{
                  violations: {
                    id: string;
                    impact: string;
                    help: string;
                    nodes: { target: string[]; html: string }[];
                  }[];
                }>;
              };
            }
          ).axe.run;
          return (await run({ resultTypes: ['violations'] })).violations;
        });
        for (const v of violations) {
          if (v.impact === 'serious' || v.impact === 'critical') {
            found.push(
              `${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
                .slice(0, 3)
                .map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`)
                .join(', ')}`,
            );
          }
        }
      };
      const page = await newPage();
      await page.goto(`${service.url}/sign-in`);
      await page.getByTestId('demo-warning').waitFor();
      await check(page, '登录');
      await signIn(page, '扶贫专干', '射阳县');
      const pages: [string, string][] = [
        ['/', 'total'],
        ['/queue', 'queue'],
        ['/alerts', 'alerts'],
        ['/apply', 'apply'],
        ['/import', 'import'],
        ['/comparison', 'comparison'],
        ['/dashboard', 'dashboard'],
        ['/audit', 'audit'],
        ['/exit-review', 'exit-review'],
        ['/snapshot', 'snapshot'],
        ['/area-exits', 'area-exits'],
        ['/assessments', 'assessments'],
        ['/policy', 'policy'],
        ['/divisions', 'divisions'],
        [`/households/${households.edges[0]?.node.id}`, 'facts'],
      ];
      for (const [address, testId] of pages) {
        await page.goto(`${service.url}${address}`);
        await page.getByTestId(testId).first().waitFor();
        // The live feed keeps a request open: settle on the page's own data instead.
        await expect.poll(() => page.locator('.ant-spin-spinning').count()).toBe(0);
        await check(page, address);
      }
      await page.close();
      expect(found).toEqual([]);
    });

    it('no page threw an uncaught error or logged one', () => {
      expect(pageErrors).toEqual([]);
    });
  });
}
