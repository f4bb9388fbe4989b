import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type UseQueryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getOperationAST } from 'graphql';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { type ApiError, graphql, whenUnauthenticated } from './api';
import { useWords } from './i18n';
import { clearSession, expired, loadSession, type Session, saveSession } from './session';

interface SessionState {
  session: Session | undefined;
  /** Signs in with a token; false when the token cannot be read or has expired. */
  signIn(token: string): boolean;
  signOut(): void;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const queryClient = useQueryClient();
  const signOut = useCallback(() => {
    clearSession();
    queryClient.clear();
    setSession(undefined);
  }, [queryClient]);
  const signIn = useCallback(
    (token: string) => {
      const next = saveSession(token);
      queryClient.clear();
      setSession(next);
      return Boolean(next);
    },
    [queryClient],
  );
  useEffect(() => whenUnauthenticated(signOut), [signOut]);
  // A token that expires while the page is open sends the user back to sign in.
  useEffect(() => {
    if (!session) return;
    const left = session.claims.exp * 1000 - Date.now();
    const timer = setTimeout(signOut, Math.max(0, Math.min(left, 2 ** 31 - 1)));
    return () => clearTimeout(timer);
  }, [session, signOut]);
  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in session; only under pages that require one. */
export function useSignedIn(): Session {
  const { session } = useSession();
  if (!session || expired(session)) throw new Error('not signed in');
  return session;
}

function operationName(document: TypedDocumentNode<unknown, never>): string {
  return getOperationAST(document)?.name?.value ?? 'anonymous';
}

/** How a query is cached (its name and variables) and fetched: for the hook, and for prefetching. */
export function graphqlQuery<TData, TVariables extends object>(
  session: Session,
  language: 'zh' | 'en',
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
) {
  return {
    queryKey: [operationName(document as TypedDocumentNode<unknown, never>), variables],
    queryFn: () => graphql(session, language, document, variables),
  };
}

/** A typed GraphQL query, cached by its name and variables. */
export function useGraphqlQuery<TData, TVariables extends object>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  options: Omit<UseQueryOptions<TData, ApiError>, 'queryKey' | 'queryFn'> = {},
) {
  const session = useSignedIn();
  const { language } = useWords();
  return useQuery<TData, ApiError>({ ...graphqlQuery(session, language, document, variables), ...options });
}

/** A typed GraphQL mutation; on success every cached query is refetched. */
export function useGraphqlMutation<TData, TVariables extends object>(document: TypedDocumentNode<TData, TVariables>) {
  const session = useSignedIn();
  const { language } = useWords();
  const queryClient = useQueryClient();
  return useMutation<TData, ApiError, TVariables>({
    mutationFn: (variables) => graphql(session, language, document, variables),
    onSuccess: () => queryClient.invalidateQueries(),
  });
}
