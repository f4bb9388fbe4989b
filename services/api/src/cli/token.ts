/**
 * `pnpm token --role clerk --area 320924101000 [--sub clerk-zhang] [--unit 城关镇扶贫办] [--expires 12h]`:
 * prints a signed development token for the Authorization header. Signs with JWT_SECRET, or
 * the development secret under DATA_DIR that the service uses when none is configured.
 * Services whose tokens come from elsewhere (JWT_PUBLIC_KEY) cannot issue here.
 */
import { parseArgs } from 'node:util';
import { developmentSecret, issueToken, ROLES } from '../auth.js';
import { ConfigError, loadConfig } from '../config.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      area: { type: 'string' },
      sub: { type: 'string' },
      unit: { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
  });
  const role = values.role as (typeof ROLES)[number] | undefined;
  if (!role || !ROLES.includes(role)) throw new ConfigError(`--role must be one of ${ROLES.join(', ')}`);
  if (role !== 'admin' && !values.area) throw new ConfigError(`--area <12-digit code> is required for a ${role}`);
  if (values.area && !/^\d{12}$/.test(values.area)) throw new ConfigError('--area must be a 12-digit area code');
  const config = loadConfig();
  if (config.jwtPublicKey) throw new ConfigError('JWT_PUBLIC_KEY is set: tokens are issued by another service');
  const secret = config.jwtSecret ?? (await developmentSecret(config.dataDir));
  const token = await issueToken(
    secret,
    {
      sub: values.sub ?? `${role}-dev`,
      role,
      unit: values.unit ?? values.area ?? 'dev',
      ...(values.area ? { area: values.area } : {}),
    },
    values.expires,
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
