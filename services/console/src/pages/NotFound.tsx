import { Button, Result } from 'antd';
import { Link, useLocation, useRouteError } from 'react-router';
import { useWords } from '../i18n';

/** An address the console has no page for: said in the reader's language, with the way back. */
export function NotFoundPage() {
  const words = useWords();
  const location = useLocation();
  return (
    <Result
      status="404"
      title={words.t('pageNotFound')}
      subTitle={words.t('pageNotFoundDetail', { path: location.pathname })}
      extra={
        <Link to="/">
          <Button type="primary" data-testid="back-home">
            {words.t('backHome')}
          </Button>
        </Link>
      }
      data-testid="not-found"
    />
  );
}

/**
 * What a page that failed to render shows instead of the router's developer page: a plain
 * message in the reader's language, what went wrong beneath, and the way back.
 */
export function RouteErrorPage() {
  const words = useWords();
  const error = useRouteError();
  return (
    <Result
      status="error"
      title={words.t('pageFailed')}
      subTitle={error instanceof Error ? error.message : String(error ?? '')}
      extra={
        <Button type="primary" href="/" data-testid="back-home">
          {words.t('backHome')}
        </Button>
      }
      data-testid="page-error"
    />
  );
}
