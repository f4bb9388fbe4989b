import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
// Ant Design's styles as a stylesheet (zero-runtime mode): no style computed while rendering.
import 'antd/dist/antd.css';
import './contrast.css';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { graphqlQuery, SessionProvider } from './auth';
import { LanguageProvider, useWords } from './i18n';
import { workbenchQueries } from './pages/Workbench';
import { router } from './routes';
import { loadSession } from './session';

const queryClient = new QueryClient({
  defaultOptions: {
    // A refused request is shown, not retried; only the network may be tried once more.
    queries: { retry: (count, error) => count < 1 && (error as { code?: string }).code === 'NETWORK' },
  },
});

function Localised() {
  const { language } = useWords();
  dayjs.locale(language === 'zh' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider
      locale={language === 'zh' ? zhCN : enUS}
      theme={{
        zeroRuntime: true,
        // Darker than Ant Design's defaults where they fall short of 4.5:1 on white.
        token: {
          colorPrimary: '#c8161d',
          colorLink: '#0958d9',
          colorError: '#cf1322',
          colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
          colorTextDescription: 'rgba(0, 0, 0, 0.68)',
          colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
          colorTextPlaceholder: 'rgba(0, 0, 0, 0.58)',
        },
      }}
    >
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
}

// The workbench's data is asked for now, while React renders the page for the first time
// (most of a first load on a slow machine), not once it has.
const session = loadSession();
if (session && location.pathname === '/') {
  const language = localStorage.getItem('registry.language') === 'en' ? 'en' : 'zh';
  const queries = workbenchQueries(new URLSearchParams(location.search));
  void queryClient.prefetchQuery(graphqlQuery(session, language, ...queries.households));
  void queryClient.prefetchQuery(graphqlQuery(session, language, ...queries.counts));
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <LanguageProvider>
          <SessionProvider>
            <Localised />
          </SessionProvider>
        </LanguageProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
