/** Who is signed in: the bearer token and what it claims, kept in this browser's storage. */
export interface Claims {
  sub: string;
  role: 'clerk' | 'evaluator' | 'assessor' | 'admin';
  unit: string;
  area?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface Session {
  token: string;
  claims: Claims;
}

const KEY = 'registry.session';

/**
 * The claims of a JWT, read but not verified (the API verifies every request): for showing who
 * is signed in, and what the role may do, and for noticing expiry. Undefined when unreadable.
 */
export function readClaims(token: string): Claims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
    );
    const claims = JSON.parse(json) as Partial<Claims>;
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.unit !== 'string') return;
    if (!['clerk', 'evaluator', 'assessor', 'admin'].includes(claims.role ?? '')) return undefined;
    return claims as Claims;
  } catch {
    return undefined;
  }
}

export function expired(session: Session, now = Date.now()): boolean {
  return session.claims.exp * 1000 <= now;
}

export function loadSession(): Session | undefined {
  const token = localStorage.getItem(KEY);
  const claims = token ? readClaims(token) : undefined;
  if (!token || !claims) return undefined;
  const session = { token, claims };
  return expired(session) ? undefined : session;
}

export function saveSession(token: string): Session | undefined {
  const claims = readClaims(token);
  if (!claims) return undefined;
  const session = { token, claims };
  if (expired(session)) return undefined;
  localStorage.setItem(KEY, token);
  return session;
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}

/** What each role may do on screen; the API enforces the same and more. */
export const CAN = {
  command: (role: Claims['role']) => role === 'clerk' || role === 'admin',
  audit: (role: Claims['role']) => role !== 'assessor',
  /** Opening assessments, drawing and recording findings: the assessors' (and admins') work. */
  assess: (role: Claims['role']) => role === 'assessor' || role === 'admin',
};
