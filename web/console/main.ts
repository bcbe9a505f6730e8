// The console's entry: sign-in, the frame (header, navigation) and the hash router.
import { api, ApiError, errorText, useToken, whenSignedOut } from './api.js';
import { field, h, replace, status } from './dom.js';
import { actionsView } from './actions.view.js';
import { activityView } from './activity.view.js';
import { auditView } from './audit.view.js';
import { healthView } from './health.view.js';
import { overviewView } from './overview.view.js';
import { runView } from './run.view.js';
import { runsView } from './runs.view.js';

/** What a view returns: a function that stops its polling when the operator leaves it. */
export type Stop = () => void;
export type View = (root: HTMLElement, parameter?: string) => Stop | void;

const ROUTES: { path: string; label: string; view: View }[] = [
  { path: 'overview', label: 'Overview', view: overviewView },
  { path: 'runs', label: 'Runs', view: runsView },
  { path: 'actions', label: 'Actions', view: actionsView },
  { path: 'sign-ins', label: 'Sign-ins', view: activityView },
  { path: 'health', label: 'Health', view: healthView },
  { path: 'audit', label: 'Audit', view: auditView },
];

const app = document.getElementById('app')!;
let stopView: Stop | void;

function boot(): void {
  whenSignedOut((message) => signIn(message));
  const fromLink = /^#token=([\w.-]+)/.exec(location.hash)?.[1];
  if (fromLink) {
    // The dev link's token: kept in memory, and taken out of the address bar and the history at once.
    history.replaceState(null, '', `${location.pathname}#/overview`);
    useToken(fromLink);
    void checkAdmin();
  } else if (document.body.dataset.session === 'cookie') {
    start();
  } else {
    signIn();
  }
}

async function checkAdmin(): Promise<void> {
  try {
    const me = await api<{ role: string }>('GET', '/users/me');
    if (me.role !== 'admin') return forbidden();
    start();
  } catch (error) {
    signIn(errorText(error));
  }
}

function forbidden(): void {
  useToken(undefined);
  replace(app, h('h1', {}, '403 Forbidden'), h('p', {}, 'The console is for operators (the admin role).'));
}

function signIn(message?: string): void {
  stopView?.();
  useToken(undefined);
  document.querySelector('header')?.remove();
  const legacy = document.body.dataset.legacySignIn === 'true';
  const notice = message ? status(message, 'error') : null;
  if (!legacy) {
    replace(app, h('h1', {}, 'Sign in'), notice, h('p', {}, 'Sign in to the product with Clerk as an admin, then reload this page.'));
    return;
  }
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const outcome = h('div', { 'aria-live': 'polite' }, notice);
  const form = h(
    'form',
    { class: 'card narrow', 'aria-label': 'Sign in' },
    field('Email', email),
    field('Password', password),
    h('button', { type: 'submit' }, 'Sign in'),
    outcome,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    replace(outcome, status('Signing in…'));
    void api<{ accessToken: string; user: { role: string } }>('POST', '/auth/login', { email: email.value, password: password.value })
      .then((answer) => {
        if (answer.user.role !== 'admin') return forbidden();
        useToken(answer.accessToken);
        start();
      })
      .catch((error: unknown) => replace(outcome, status(error instanceof ApiError ? error.message : errorText(error), 'error')));
  });
  replace(
    app,
    h('h1', {}, 'clerk-migrate console'),
    h('p', {}, 'An admin’s Clerk session opens this page directly. While legacy sign-in is on, an admin may use the password here.'),
    form,
  );
  email.focus();
}

function start(): void {
  if (!document.querySelector('header')) {
    const nav = h(
      'nav',
      { 'aria-label': 'Console' },
      ...ROUTES.map((route) => h('a', { href: `#/${route.path}`, 'data-route': route.path }, route.label)),
    );
    document.body.prepend(h('header', {}, h('a', { class: 'brand', href: '#/overview' }, 'clerk-migrate'), nav));
  }
  window.onhashchange = route;
  route();
}

function route(): void {
  stopView?.();
  const [, path = 'overview', parameter] = /^#\/([\w-]+)(?:\/([\w-]+))?/.exec(location.hash) ?? [];
  const known = path === 'run' ? { view: runView, path: 'runs' } : (ROUTES.find((candidate) => candidate.path === path) ?? ROUTES[0]);
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('data-route') === known.path) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  replace(app);
  stopView = known.view(app, parameter);
}

boot();
