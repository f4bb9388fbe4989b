import {
  AlertOutlined,
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  CameraOutlined,
  EyeOutlined,
  FileAddOutlined,
  FileProtectOutlined,
  FileSearchOutlined,
  FlagOutlined,
  LogoutOutlined,
  SafetyCertificateOutlined,
  ScheduleOutlined,
  SettingOutlined,
  TeamOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { Badge, Button, Layout, List, Menu, Popover, Space, Tag, Typography } from 'antd';
import { Link, Navigate, Outlet, ScrollRestoration, useLocation, useNavigate } from 'react-router';
import { useAreaFullName, useUnitName } from './areas';
import { useSession } from './auth';
import { useWords } from './i18n';
import { useLiveEvents } from './live';
import { CAN, type Session } from './session';

/** The frame of every signed-in page: who is signed in, the pages their role may use, the language. */
export function Shell() {
  const unitName = useUnitName();
  const areaFullName = useAreaFullName();
  const { session, signOut } = useSession();
  const words = useWords();
  const location = useLocation();
  const navigate = useNavigate();
  if (!session) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  const { claims } = session;
  const items = [
    { key: '/', icon: <TeamOutlined />, label: words.t('households') },
    ...(CAN.command(claims.role)
      ? [
          { key: '/queue', icon: <ScheduleOutlined />, label: words.t('queue') },
          { key: '/alerts', icon: <AlertOutlined />, label: words.t('alerts') },
          { key: '/apply', icon: <FileAddOutlined />, label: words.t('apply') },
        ]
      : []),
    // 导入 is the county's (the policy's dutyLevels.import): a county clerk's menu.
    ...(claims.role === 'clerk' && claims.area && /^\d{4}(?!00)\d{2}0{6}$/.test(claims.area)
      ? [
          { key: '/import', icon: <UploadOutlined />, label: words.t('importRoll') },
          { key: '/comparison', icon: <FileProtectOutlined />, label: words.t('comparison') },
        ]
      : []),
    { key: '/dashboard', icon: <BarChartOutlined />, label: words.t('dashboard') },
    ...(CAN.audit(claims.role) ? [{ key: '/audit', icon: <AuditOutlined />, label: words.t('auditTrail') }] : []),
    { key: '/exit-review', icon: <FileSearchOutlined />, label: words.t('exitReview') },
    { key: '/snapshot', icon: <CameraOutlined />, label: words.t('snapshot') },
    { key: '/area-exits', icon: <FlagOutlined />, label: words.t('areaExits') },
    { key: '/assessments', icon: <SafetyCertificateOutlined />, label: words.t('thirdParty') },
    { key: '/policy', icon: <SettingOutlined />, label: words.t('policy') },
    { key: '/divisions', icon: <ApartmentOutlined />, label: words.t('divisions') },
    ...(claims.role === 'admin' ? [{ key: '/reads', icon: <EyeOutlined />, label: words.t('readAccess') }] : []),
  ];
  const selected = items.find((i) => i.key !== '/' && location.pathname.startsWith(i.key))?.key ?? '/';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24, paddingInline: 24 }}>
        <Typography.Title level={4} style={{ color: '#fff', margin: 0, whiteSpace: 'nowrap', flex: 1 }}>
          {words.t('appTitle')}
        </Typography.Title>
        <LiveIndicator session={session} />
        <Space data-testid="whoami" style={{ color: '#fff' }}>
          <Tag color="gold">{words.label('Role', claims.role)}</Tag>
          <span>{unitName(claims.unit)}</span>
          {claims.area && claims.area !== claims.unit && (
            <span style={{ opacity: 0.7 }} title={claims.area}>
              {areaFullName(claims.area)}
            </span>
          )}
          <Button
            size="small"
            onClick={() => words.setLanguage(words.language === 'zh' ? 'en' : 'zh')}
            data-testid="language"
          >
            {words.t('language')}
          </Button>
          <Button size="small" icon={<LogoutOutlined />} onClick={signOut}>
            {words.t('signOut')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        {/* Every page the role may use, always in sight: a column, as Chinese admin screens have it. */}
        <Layout.Sider width={184} theme="light" breakpoint="lg" collapsedWidth={56}>
          <Menu
            mode="inline"
            selectedKeys={[selected]}
            items={items}
            onClick={(e) => navigate(e.key)}
            style={{ height: '100%', borderInlineEnd: 0 }}
          />
        </Layout.Sider>
        <Layout.Content style={{ padding: 24, minWidth: 0 }}>
          <Outlet />
          {/* A new page opens at its top (and going back returns where the reader was). */}
          <ScrollRestoration />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

/** Whether new events arrive live, and the latest of them. */
function LiveIndicator({ session }: { session: Session }) {
  const words = useWords();
  const unitName = useUnitName();
  const { connected, recent } = useLiveEvents(session);
  if (!session.claims.area) return null;
  return (
    <Popover
      title={words.t('liveTitle')}
      content={
        <List
          size="small"
          style={{ width: 360 }}
          dataSource={recent}
          locale={{ emptyText: words.t('liveNone') }}
          renderItem={(event) => (
            <List.Item data-testid="live-event">
              <Link to={`/households/${event.householdId}`}>{words.event(event.type)}</Link>
              <Typography.Text type="secondary">
                {words.label('Role', event.actor.role)} {unitName(event.actor.unit)} ·{' '}
                {words.dateTime(event.recordedAt)}
              </Typography.Text>
            </List.Item>
          )}
        />
      }
    >
      <Badge count={recent.length} size="small" data-testid="live">
        <Tag color={connected ? 'green' : 'default'} style={{ marginInlineEnd: 0 }}>
          {connected ? words.t('live') : words.t('offline')}
        </Tag>
      </Badge>
    </Popover>
  );
}
