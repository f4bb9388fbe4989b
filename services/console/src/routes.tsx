import { createBrowserRouter } from 'react-router';
import { ApplyPage } from './pages/Apply';
import { HouseholdPage } from './pages/Household';
import { SignInPage } from './pages/SignIn';
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
    ],
  },
]);
