import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { SessionProvider } from './auth';
import { LanguageProvider, useWords } from './i18n';
import { router } from './routes';

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
    <ConfigProvider locale={language === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#c8161d' } }}>
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
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
