import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ClientError, type RequestExtendedOptions, request } from 'graphql-request';
import type { Session } from './session';

/**
 * A failed request as the console shows it: a stable code (from the API's error extensions,
 * or NETWORK / UNAUTHENTICATED / INTERNAL) and the API's own message for details.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Called when the API refuses the token: the console signs out and shows the sign-in page. */
let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

const ENDPOINT = `${globalThis.location?.origin ?? ''}/graphql`;

/** One GraphQL operation with the session's token, in the console's language. */
export async function graphql<TData, TVariables extends object>(
  session: Session,
  language: 'zh' | 'en',
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  try {
    // graphql-request's conditional options type cannot follow a generic variables type; the
    // document types them for every caller.
    const options = {
      url: ENDPOINT,
      document,
      variables,
      requestHeaders: {
        Authorization: `Bearer ${session.token}`,
        'Accept-Language': language === 'zh' ? 'zh-CN,zh;q=0.9' : 'en',
      },
    } as unknown as RequestExtendedOptions<TVariables, TData>;
    return await request<TData, TVariables>(options);
  } catch (error) {
    throw toApiError(error);
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ClientError) {
    if (error.response.status === 401) {
      onUnauthenticated();
      return new ApiError('UNAUTHENTICATED', 'sign in again');
    }
    const first = error.response.errors?.[0];
    if (first) {
      const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL';
      return new ApiError(code, first.message, first.path?.join('.'));
    }
    const body = error.response as unknown as { error?: unknown; status: number };
    const message = typeof body.error === 'string' ? body.error : `HTTP ${error.response.status}`;
    return new ApiError(error.response.status === 503 ? 'DATABASE_UNAVAILABLE' : 'INTERNAL', message);
  }
  if (error instanceof TypeError) return new ApiError('NETWORK', error.message);
  return new ApiError('INTERNAL', error instanceof Error ? error.message : String(error));
}

/** A file the API makes (an export, a printable page), fetched with the session's token. */
export async function fetchFile(session: Session, path: string): Promise<Blob> {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${session.token}` } });
  if (!response.ok) {
    // The API's refusal in the clerk's language when it gives one (localizedMessage), else the status.
    const text = await response.text();
    let shown = `HTTP ${response.status}: ${text}`;
    try {
      const body = JSON.parse(text) as { localizedMessage?: unknown };
      if (typeof body.localizedMessage === 'string') shown = body.localizedMessage;
    } catch {
      // not JSON: the status and text as they are
    }
    throw new Error(shown);
  }
  return response.blob();
}

/** Opens a printable page the API makes in a new tab (its own print styles, no script). */
export async function openPrintable(session: Session, path: string): Promise<void> {
  const html = await fetchFile(session, path);
  window.open(URL.createObjectURL(html), '_blank');
}
