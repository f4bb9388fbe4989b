import { Alert, Button } from 'antd';
import type { ApiError } from './api';
import { useWords } from './i18n';

/** Refusals that asking again cannot change: the role or area may not read this. */
const FINAL: ReadonlySet<string> = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);

/**
 * A failed request as a readable message in the current language, never a blank page. A page
 * the reader's role or area may not read says so in their language, with no retry and no
 * English beneath.
 */
export function ErrorView({ error, retry }: { error: ApiError; retry?: () => void }) {
  const words = useWords();
  const final = FINAL.has(error.code);
  const text = final
    ? words.t(error.code === 'FORBIDDEN' ? 'notYours' : 'error')
    : words.refusal({ code: error.code, detail: error.message });
  return (
    <Alert
      type={final ? 'warning' : 'error'}
      showIcon
      data-testid="error"
      title={final ? words.refusal({ code: error.code }) : words.t('error')}
      description={
        <>
          <div>{text}</div>
          {!final && text !== error.message && <div style={{ opacity: 0.65, fontSize: 12 }}>{error.message}</div>}
        </>
      }
      action={
        retry &&
        !final && (
          <Button size="small" onClick={retry}>
            {words.t('retry')}
          </Button>
        )
      }
    />
  );
}
