import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import compression from 'compression';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { ROLES, type ViewerRole } from './auth.js';

/** Where `pnpm --filter @registry/console build` puts the console. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** A named area the demo sign-in page offers. */
export interface DemoArea {
  code: string;
  name: string;
  level: 'county' | 'township' | 'village';
}

export interface ConsoleOptions {
  /** The built console; default CONSOLE_DIST. */
  distDir?: string;
  /**
   * `--demo` only: the sign-in page offers these areas and every role, and issues a token for
   * the pick. Never configured in production, where tokens come from the identity provider.
   */
  demo?: { areas: DemoArea[]; issue(role: ViewerRole, area: DemoArea): Promise<string> };
}

const DemoSessionRequest = z.object({ role: z.enum(ROLES), areaCode: z.string().regex(/^\d{12}$/) }).strict();

/** Paths the API answers itself; everything else a browser asks for is the console. */
const API_PATHS = /^\/(graphql|export|console-api|healthz|readyz)(\/|$)/;

/**
 * Serves the console at `/`: its files, and index.html for any other page a browser asks for
 * (client-side routes). `/console-api/config` tells the console whether the demo sign-in is on.
 */
export function mountConsole(app: Express, options: ConsoleOptions): void {
  const dist = options.distDir ?? CONSOLE_DIST;
  const demo = options.demo;
  app.get('/console-api/config', (_req, res) => {
    res.json({ demo: Boolean(demo), areas: demo?.areas ?? [] });
  });
  app.post('/console-api/demo-session', express.json({ limit: '4kb' }), async (req, res) => {
    if (!demo) {
      res.status(404).json({ error: 'the demo sign-in is served only with --demo' });
      return;
    }
    const parsed = DemoSessionRequest.safeParse(req.body);
    const area = parsed.success ? demo.areas.find((a) => a.code === parsed.data.areaCode) : undefined;
    if (!parsed.success || !area) {
      res.status(400).json({ error: 'role must be one of clerk, evaluator, assessor, admin; areaCode a demo area' });
      return;
    }
    res.json({ token: await demo.issue(parsed.data.role, area) });
  });
  // Hashed file names never change: cached for a year. index.html is asked for again each time.
  // Compressed: Ant Design and ECharts are most of a megabyte as sent, a fraction gzipped.
  const gzip = compression();
  app.use('/assets', gzip, express.static(`${dist}/assets`, { immutable: true, maxAge: '365d', fallthrough: false }));
  app.use(express.static(dist, { index: false }));
  app.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    if (API_PATHS.test(req.path)) {
      next();
      return;
    }
    const index = `${dist}/index.html`;
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send(
          '管理台尚未构建：请用 pnpm start 启动（会先构建），或运行 pnpm --filter @registry/console build。\n' +
            'The console is not built: start with pnpm start (it builds first) or run pnpm --filter @registry/console build.\n',
        );
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    gzip(req, res, () => res.sendFile(index));
  });
}
