import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { ApiError } from './api/http.ts';
import { AccountPage } from './features/account/AccountPage.tsx';
import { AuditPage } from './features/audit/AuditPage.tsx';
import { signOut } from './features/auth/authApi.ts';
import { ConfirmEmailPage } from './features/auth/ConfirmEmailPage.tsx';
import { SignInPage } from './features/auth/SignInPage.tsx';
import { SignUpPage } from './features/auth/SignUpPage.tsx';
import { useAuth } from './features/auth/useAuth.ts';
import { ContributionsPage } from './features/contributions/ContributionsPage.tsx';
import { DocumentAccessPage } from './features/documents/DocumentAccessPage.tsx';
import { InvitePage } from './features/invites/InvitePage.tsx';
import { VersionsPage } from './features/versions/VersionsPage.tsx';
import { HomePage } from './features/workspaces/HomePage.tsx';
import { WorkspacePage } from './features/workspaces/WorkspacePage.tsx';
import { isOpenRoute, isPublicRoute, matchRoute, type Route } from './routes/matchRoute.ts';
import { navigate, safeNextPath } from './routes/navigation.ts';
import { useLocation } from './routes/useLocation.ts';
import { AppHeader } from './ui/AppHeader.tsx';
import { Button } from './ui/Button.tsx';
import { Loading } from './ui/Loading.tsx';
import { PageHeading } from './ui/PageHeading.tsx';
import { ProblemPanel } from './ui/ProblemPanel.tsx';
import { useDocumentTitle } from './ui/useDocumentTitle.ts';

// The editor (Tiptap, ProseMirror, Yjs) is most of the JavaScript; only this page needs it.
const DocumentPage = lazy(() => import('./features/documents/DocumentPage.tsx'));
// The scoring page (set-up, score sheets, moderation, bids) is for a procurement panel only.
const EvaluationPage = lazy(() =>
  import('./features/evaluation/EvaluationPage.tsx').then((m) => ({ default: m.EvaluationPage })),
);

export function App() {
  const { auth, signedOut, retry } = useAuth();
  const location = useLocation();
  const route = matchRoute(location.pathname);
  const isPublic = isPublicRoute(route);

  // Signed-out people go to sign in and come back; signed-in people skip the sign-in forms.
  const redirect =
    auth.status === 'signedOut' && !isPublic && !isOpenRoute(route)
      ? `/signin?next=${encodeURIComponent(location.href)}`
      : auth.status === 'signedIn' && isPublic
        ? safeNextPath(location.search.get('next'))
        : null;
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);

  const onSignOut = async () => {
    try {
      await signOut();
    } catch (error) {
      // An expired session is already signed out; anything else is worth retrying.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    signedOut();
    navigate('/signin', { replace: true });
  };

  let content: ReactNode;
  if (auth.status === 'loading' || redirect) {
    content = <Loading />;
  } else if (auth.status === 'error') {
    content = (
      <>
        <PageHeading>Chorus is not available</PageHeading>
        <p>{auth.message}</p>
        <Button onClick={retry}>Try again</Button>
      </>
    );
  } else {
    content = <Page route={route} />;
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <AppHeader user={auth.status === 'signedIn' ? auth.user : null} onSignOut={onSignOut} />
      <main
        id="main"
        tabIndex={-1}
        className={route.name === 'document' ? 'main main--wide' : 'main'}
      >
        {content}
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'signIn':
      return <SignInPage />;
    case 'signUp':
      return <SignUpPage />;
    case 'home':
      return <HomePage />;
    case 'account':
      return <AccountPage />;
    case 'confirmEmail':
      return <ConfirmEmailPage />;
    case 'invite':
      return <InvitePage key={route.token} token={route.token} />;
    case 'workspace':
      return <WorkspacePage key={route.workspaceId} workspaceId={route.workspaceId} />;
    case 'audit':
      return <AuditPage key={route.workspaceId} workspaceId={route.workspaceId} />;
    case 'document':
      return (
        <Suspense fallback={<Loading label="Loading the editor…" />}>
          <DocumentPage key={route.documentId} documentId={route.documentId} />
        </Suspense>
      );
    case 'documentAccess':
      return <DocumentAccessPage key={route.documentId} documentId={route.documentId} />;
    case 'contributions':
      return <ContributionsPage key={route.documentId} documentId={route.documentId} />;
    case 'versions':
      return <VersionsPage key={route.documentId} documentId={route.documentId} />;
    case 'evaluation':
      return (
        <Suspense fallback={<Loading label="Loading the scoring page…" />}>
          <EvaluationPage key={route.documentId} documentId={route.documentId} />
        </Suspense>
      );
    case 'notFound':
      return <NotFoundPage />;
  }
}

function NotFoundPage() {
  useDocumentTitle('Page not found');
  return (
    <>
      <PageHeading>Page not found</PageHeading>
      <ProblemPanel message="There is no page at this address. Check the address, or start from your workspaces." />
    </>
  );
}
