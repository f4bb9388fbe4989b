import { Spin } from 'antd';
import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter } from 'react-router';
import { NotFoundPage, RouteErrorPage } from './pages/NotFound';
import { SignInPage } from './pages/SignIn';
import { WorkbenchPage } from './pages/Workbench';
import { Shell } from './Shell';

// The workbench and sign-in come with the first load; every other page (ECharts with the
// dashboard) is fetched when first opened.
const HouseholdPage = lazy(() => import('./pages/Household').then((m) => ({ default: m.HouseholdPage })));
const ApplyPage = lazy(() => import('./pages/Apply').then((m) => ({ default: m.ApplyPage })));
const QueuePage = lazy(() => import('./pages/Queue').then((m) => ({ default: m.QueuePage })));
const DashboardPage = lazy(() => import('./pages/Dashboard').then((m) => ({ default: m.DashboardPage })));
const AuditPage = lazy(() => import('./pages/Audit').then((m) => ({ default: m.AuditPage })));
const ExitReviewPage = lazy(() => import('./pages/ExitReview').then((m) => ({ default: m.ExitReviewPage })));
const ImportPage = lazy(() => import('./pages/Import').then((m) => ({ default: m.ImportPage })));
const AssessmentsPage = lazy(() => import('./pages/Assessments').then((m) => ({ default: m.AssessmentsPage })));
const AssessmentPage = lazy(() => import('./pages/Assessment').then((m) => ({ default: m.AssessmentPage })));
const AreaExitsPage = lazy(() => import('./pages/AreaExits').then((m) => ({ default: m.AreaExitsPage })));
const ComparisonPage = lazy(() => import('./pages/Comparison').then((m) => ({ default: m.ComparisonPage })));
const AlertsPage = lazy(() => import('./pages/Alerts').then((m) => ({ default: m.AlertsPage })));
const PolicyPage = lazy(() => import('./pages/Policy').then((m) => ({ default: m.PolicyPage })));
const DivisionsPage = lazy(() => import('./pages/Divisions').then((m) => ({ default: m.DivisionsPage })));
const ReadsPage = lazy(() => import('./pages/Reads').then((m) => ({ default: m.ReadsPage })));
const SnapshotPage = lazy(() => import('./pages/Snapshot').then((m) => ({ default: m.SnapshotPage })));

const later = (page: ReactNode) => <Suspense fallback={<Spin />}>{page}</Suspense>;

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage />, errorElement: <RouteErrorPage /> },
  {
    path: '/',
    element: <Shell />,
    // Never the router's English developer page: an unknown address or a page that fails says so in Chinese.
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <WorkbenchPage /> },
      { path: 'households/:id', element: later(<HouseholdPage />) },
      { path: 'apply', element: later(<ApplyPage />) },
      { path: 'queue', element: later(<QueuePage />) },
      { path: 'alerts', element: later(<AlertsPage />) },
      { path: 'dashboard', element: later(<DashboardPage />) },
      { path: 'audit', element: later(<AuditPage />) },
      { path: 'exit-review', element: later(<ExitReviewPage />) },
      { path: 'snapshot', element: later(<SnapshotPage />) },
      { path: 'import', element: later(<ImportPage />) },
      { path: 'assessments', element: later(<AssessmentsPage />) },
      { path: 'assessments/:id', element: later(<AssessmentPage />) },
      { path: 'area-exits', element: later(<AreaExitsPage />) },
      { path: 'comparison', element: later(<ComparisonPage />) },
      { path: 'policy', element: later(<PolicyPage />) },
      { path: 'divisions', element: later(<DivisionsPage />) },
      { path: 'reads', element: later(<ReadsPage />) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
