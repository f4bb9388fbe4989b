import { useQueryClient } from '@tanstack/react-query';
import { print } from 'graphql';
import { createClient } from 'graphql-sse';
import { useEffect, useState } from 'react';
import { LiveEventsDocument, type LiveEventsSubscription } from './generated';
import type { Session } from './session';

export type LiveEvent = LiveEventsSubscription['householdEvents'];

/**
 * New events in the signed-in area as they are recorded (the API's SSE subscription): each
 * refreshes what is on screen, without reloading. A dropped stream is opened again after the
 * last event received, so nothing is missed or repeated.
 */
export function useLiveEvents(session: Session): { connected: boolean; recent: LiveEvent[] } {
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);
  const [recent, setRecent] = useState<LiveEvent[]>([]);
  const areaCode = session.claims.area;
  useEffect(() => {
    if (!areaCode) return;
    let stopped = false;
    let after: string | undefined;
    let refresh: ReturnType<typeof setTimeout> | undefined;
    const client = createClient({
      url: `${location.origin}/graphql`,
      headers: { Authorization: `Bearer ${session.token}` },
      retryAttempts: 0,
    });
    let iterator: AsyncIterableIterator<{ data?: LiveEventsSubscription | null }> | undefined;
    const run = async () => {
      while (!stopped) {
        iterator = client.iterate<LiveEventsSubscription>(
          { query: print(LiveEventsDocument), variables: { areaCode, ...(after ? { after } : {}) } },
          {
            connected: () => {
              if (stopped) return;
              setConnected(true);
              // What changed while the stream was not yet (or no longer) open is read again once.
              void queryClient.invalidateQueries();
            },
          },
        );
        try {
          for await (const result of iterator) {
            const event = result.data?.householdEvents;
            if (!event) continue;
            after = event.position;
            setRecent((previous) => [event, ...previous].slice(0, 20));
            // A burst of events (a county's import) refreshes once.
            clearTimeout(refresh);
            refresh = setTimeout(() => void queryClient.invalidateQueries(), 300);
          }
        } catch {
          // The stream broke (the service restarted, the network dropped): open it again below.
        }
        // Only this effect's own stream speaks: a stopped one must not mark its successor offline.
        if (!stopped) setConnected(false);
        if (!stopped) await new Promise((resolve) => setTimeout(resolve, 3000));
      }
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(refresh);
      void iterator?.return?.();
      client.dispose();
    };
  }, [areaCode, session.token, queryClient]);
  return { connected, recent };
}
