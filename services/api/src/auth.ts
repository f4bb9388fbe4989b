import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Actor, PlainText, withinArea } from '@registry/schema';
import { importSPKI, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

/** Roles a token may carry. `system` is for the registry's own events and is never issued. */
export const ROLES = ['clerk', 'evaluator', 'assessor', 'admin'] as const;
export type ViewerRole = (typeof ROLES)[number];

export const ISSUER = 'poverty-registry';
export const AUDIENCE = 'poverty-registry-api';

/** Who is asking, from a verified token: the actor stamped on every event they cause. */
export interface Viewer {
  actor: Actor;
  role: ViewerRole;
  /** The area the viewer may see and act in (12-digit code); null = every area (admin only). */
  scope: string | null;
  /** Assessors see national ID numbers, phones and bank accounts masked. */
  masked: boolean;
}

/** The caller may not do this: the role does not allow it, or the area is outside its scope. */
export class Forbidden extends Error {
  readonly code = 'FORBIDDEN';
  constructor(message: string) {
    super(message);
    this.name = 'Forbidden';
  }
}

/** No token, or one that does not verify. Answered with 401 before any GraphQL runs. */
export class Unauthenticated extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unauthenticated';
  }
}

const AreaScope = z.string().regex(/^\d{12}$/, 'must be a 12-digit area code');
const Claims = z.object({
  sub: PlainText.min(1).max(128),
  role: z.enum(ROLES),
  unit: PlainText.min(1).max(128),
  area: AreaScope.optional(),
});
export type TokenClaims = z.infer<typeof Claims>;

/** Whether `code` (an area or village code) lies inside `scope`. A null scope covers everything. */
export function withinScope(scope: string | null, code: string): boolean {
  return scope === null || withinArea(scope, code);
}

export function requireRole(viewer: Viewer, roles: readonly ViewerRole[], what: string): void {
  if (!roles.includes(viewer.role)) {
    throw new Forbidden(`${viewer.role} may not ${what}; allowed: ${roles.join(', ')}`);
  }
}

export function requireArea(viewer: Viewer, code: string | null | undefined, what: string): void {
  if (viewer.scope === null) return;
  if (!code || !withinScope(viewer.scope, code)) {
    throw new Forbidden(`${what} is outside your area ${viewer.scope}`);
  }
}

export interface AuthConfig {
  /** HS256 shared secret. */
  secret?: string;
  /** SPKI PEM public key for RS256/ES256 tokens issued elsewhere. */
  publicKey?: string;
  publicKeyAlgorithm?: 'RS256' | 'ES256';
}

/** Verifies bearer tokens into viewers. */
export class TokenVerifier {
  /** Tokens already verified, until they expire: a client sends the same token with every request. */
  private readonly verified = new Map<string, { viewer: Viewer; expiresAt: number }>();

  private constructor(
    private readonly key: Parameters<typeof jwtVerify>[1],
    private readonly algorithms: string[],
  ) {}

  static async create(config: AuthConfig): Promise<TokenVerifier> {
    if (config.publicKey) {
      const algorithm = config.publicKeyAlgorithm ?? 'RS256';
      return new TokenVerifier(await importSPKI(config.publicKey.replace(/\\n/g, '\n'), algorithm), [algorithm]);
    }
    if (!config.secret) throw new Error('JWT_SECRET or JWT_PUBLIC_KEY must be configured');
    return new TokenVerifier(new TextEncoder().encode(config.secret), ['HS256']);
  }

  async verify(authorization: string | null | undefined): Promise<Viewer> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new Unauthenticated('an Authorization: Bearer <token> header is required');
    const token = match[1] as string;
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.viewer;
    const viewer = await this.verifyToken(token);
    this.verified.set(token, { viewer: viewer.viewer, expiresAt: Math.min(viewer.expiresAt, Date.now() + 300_000) });
    if (this.verified.size > 10_000) this.verified.delete(this.verified.keys().next().value as string);
    return viewer.viewer;
  }

  private async verifyToken(token: string): Promise<{ viewer: Viewer; expiresAt: number }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: this.algorithms,
        issuer: ISSUER,
        audience: AUDIENCE,
        // A token without an expiry would be good forever, however it leaked.
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw new Unauthenticated(`the token does not verify: ${(error as Error).message}`);
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) {
      const problems = claims.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Unauthenticated(`the token's claims are invalid: ${problems}`);
    }
    const c = claims.data;
    if (c.role !== 'admin' && !c.area) throw new Unauthenticated(`a ${c.role} token must name its area`);
    return {
      viewer: {
        actor: { id: c.sub, role: c.role, unit: c.unit },
        role: c.role,
        scope: c.area ?? null,
        masked: c.role === 'assessor',
      },
      expiresAt: (payload.exp as number) * 1000,
    };
  }
}

/** Signs an HS256 token: for the dev-token command, the demo and tests. */
export async function issueToken(secret: string, claims: TokenClaims, expiresIn = '12h'): Promise<string> {
  const parsed = Claims.parse(claims);
  return new SignJWT({ role: parsed.role, unit: parsed.unit, ...(parsed.area ? { area: parsed.area } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(parsed.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/**
 * With no JWT_SECRET or JWT_PUBLIC_KEY configured, a development secret is created once under
 * DATA_DIR (mode 0600) so the service and the dev-token command agree. Production sets its own.
 */
export async function developmentSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'dev-jwt-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, `${secret}\n`, { flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await chmod(file, 0o600);
  return (await readFile(file, 'utf8')).trim();
}
