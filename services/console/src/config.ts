import { useQuery } from '@tanstack/react-query';

/** What the service tells the console before sign-in: whether the demo sign-in is on, and its named areas. */
export interface ConsoleConfig {
  demo: boolean;
  areas: { code: string; name: string; level: 'county' | 'township' | 'village' }[];
}

async function fetchConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/console-api/config');
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json() as Promise<ConsoleConfig>;
}

export function useConsoleConfig() {
  return useQuery({ queryKey: ['console-config'], queryFn: fetchConfig, staleTime: Number.POSITIVE_INFINITY });
}
