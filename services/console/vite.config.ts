import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console builds to `dist/`, which the API serves at `/`. Everything it needs is bundled:
 * no CDN, no web fonts (the system's Chinese fonts), icons as components. In development
 * (`pnpm --filter @registry/console dev`) requests to the API go to a running service.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      output: {
        // Libraries change less often than the console: separate files stay cached. Ant Design
        // is left to follow the pages that use it, so the first load takes only the workbench's.
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: Object.fromEntries(['/graphql', '/export', '/console-api'].map((p) => [p, 'http://127.0.0.1:4000'])),
  },
});
