import { Alert, Button } from 'antd';
import type { ApiError } from './api';
import { useWords } from './i18n';

/** A failed request as a readable message in the current language, never a blank page. */
export function ErrorView({ error, retry }: { error: ApiError; retry?: () => void }) {
  const words = useWords();
  const text = words.refusal({ code: error.code, detail: error.message });
  return (
    <Alert
      type="error"
      showIcon
      data-testid="error"
      title={words.t('error')}
      description={
        <>
          <div>{text}</div>
          {text !== error.message && <div style={{ opacity: 0.65, fontSize: 12 }}>{error.message}</div>}
        </>
      }
      action={
        retry && (
          <Button size="small" onClick={retry}>
            {words.t('retry')}
          </Button>
        )
      }
    />
  );
}
