import { Alert, Button, Card, Form, Input, Layout, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useSession } from '../auth';
import { useConsoleConfig } from '../config';
import { useWords } from '../i18n';

const ROLES = ['clerk', 'evaluator', 'assessor', 'admin'] as const;

/**
 * Signing in: with `--demo`, any role in any demo area (marked as demo); otherwise a token from
 * the organisation's identity provider, pasted here.
 */
export function SignInPage() {
  const words = useWords();
  const { session, signIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const config = useConsoleConfig();
  const [failed, setFailed] = useState<string>();
  const [withToken, setWithToken] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  if (session) return <Navigate to={from} replace />;

  const acceptToken = (token: string) => {
    if (signIn(token.trim())) navigate(from, { replace: true });
    else setFailed(words.t('tokenInvalid'));
  };
  const demoSignIn = async (values: { role: string; areaCode: string }) => {
    setFailed(undefined);
    const response = await fetch('/console-api/demo-session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(values),
    }).catch(() => undefined);
    if (!response?.ok) {
      setFailed(words.refusal({ code: response ? 'INTERNAL' : 'NETWORK' }));
      return;
    }
    acceptToken(((await response.json()) as { token: string }).token);
  };

  const tokenForm = (
    <Form layout="vertical" onFinish={(v: { token: string }) => acceptToken(v.token)}>
      <Form.Item name="token" label={words.t('token')} extra={words.t('tokenHelp')} rules={[{ required: true }]}>
        <Input.TextArea rows={3} data-testid="token" />
      </Form.Item>
      <Button type="primary" htmlType="submit" data-testid="token-sign-in">
        {words.t('signIn')}
      </Button>
    </Form>
  );
  const areas = config.data?.areas ?? [];
  return (
    <Layout style={{ minHeight: '100vh', alignItems: 'center', justifyContent: 'center', background: '#f5f5f5' }}>
      <Card style={{ width: 480 }}>
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Space style={{ justifyContent: 'space-between', width: '100%' }}>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {words.t('appTitle')}
            </Typography.Title>
            <Button
              size="small"
              data-testid="language"
              onClick={() => words.setLanguage(words.language === 'zh' ? 'en' : 'zh')}
            >
              {words.t('language')}
            </Button>
          </Space>
          {failed && <Alert type="error" showIcon title={failed} />}
          {config.data?.demo ? (
            <>
              <Alert type="warning" showIcon title={words.t('demoOnly')} data-testid="demo-warning" />
              <Form layout="vertical" onFinish={demoSignIn} initialValues={{ role: 'clerk', areaCode: areas[0]?.code }}>
                <Form.Item name="role" label={words.t('role')}>
                  <Select
                    data-testid="role"
                    options={ROLES.map((r) => ({ value: r, label: words.label('Role', r) }))}
                  />
                </Form.Item>
                <Form.Item name="areaCode" label={words.t('area')}>
                  <Select
                    data-testid="area"
                    options={areas.map((a) => ({
                      value: a.code,
                      label: `${'\u3000'.repeat(a.level === 'county' ? 0 : a.level === 'township' ? 1 : 2)}${a.name}（${a.code}）`,
                    }))}
                  />
                </Form.Item>
                <Button type="primary" htmlType="submit" block data-testid="demo-sign-in">
                  {words.t('signIn')}
                </Button>
              </Form>
              {withToken ? (
                tokenForm
              ) : (
                <Button type="link" onClick={() => setWithToken(true)} data-testid="use-token">
                  {words.t('useToken')}
                </Button>
              )}
            </>
          ) : (
            tokenForm
          )}
        </Space>
      </Card>
    </Layout>
  );
}
