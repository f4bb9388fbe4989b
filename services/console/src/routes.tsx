import { createBrowserRouter } from 'react-router';
import { ApplyPage } from './pages/Apply';
import { AuditPage } from './pages/Audit';
import { DashboardPage } from './pages/Dashboard';
import { ExitReviewPage } from './pages/ExitReview';
import { HouseholdPage } from './pages/Household';
import { QueuePage } from './pages/Queue';
import { SignInPage } from './pages/SignIn';
import { SnapshotPage } from './pages/Snapshot';
import { WorkbenchPage } from './pages/Workbench';
import { Shell } from './Shell';

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, element: <WorkbenchPage /> },
      { path: 'households/:id', element: <HouseholdPage /> },
      { path: 'apply', element: <ApplyPage /> },
      { path: 'queue', element: <QueuePage /> },
      { path: 'dashboard', element: <DashboardPage /> },
      { path: 'audit', element: <AuditPage /> },
      { path: 'exit-review', element: <ExitReviewPage /> },
      { path: 'snapshot', element: <SnapshotPage /> },
    ],
  },
]);
