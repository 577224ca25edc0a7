// Console entry: sign-in, the session, and a hash router over the three pages.
import { currentSession, signIn, signOut, whenSignedOut } from './api.js';
import { clear, formValues, quiet, say, sayError } from './dom.js';
import { eventsPage } from './events-page.js';
import { jobsPage } from './jobs-page.js';
import { trailsPage } from './trails-page.js';

const PAGES = { trails: trailsPage, jobs: jobsPage, events: eventsPage };
const $ = (id) => document.getElementById(id);
let leavePage = () => {};

function showSignIn(message) {
  leavePage();
  leavePage = () => {};
  $('nav').hidden = true;
  $('who').hidden = true;
  $('sign-out').hidden = true;
  $('page').hidden = true;
  clear($('page'));
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message ?? '';
  document.title = 'Sign in - opentrail console';
  $('sign-in-form').elements.AccessKeyId.focus();
}

function showApp(session) {
  $('sign-in').hidden = true;
  $('nav').hidden = false;
  $('who').hidden = false;
  $('who').textContent = `Account ${session.AccountId} · ${session.AccessKeyId}`;
  $('sign-out').hidden = false;
  $('page').hidden = false;
  route();
}

async function route() {
  if (!$('sign-in').hidden) return;
  const name = /^#\/(\w+)/.exec(location.hash)?.[1];
  if (!name || !PAGES[name]) {
    location.replace('#/trails');
    return;
  }
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.page === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  leavePage();
  quiet();
  const root = clear($('page'));
  root.dataset.page = name;
  document.title = `${name[0].toUpperCase()}${name.slice(1)} - opentrail console`;
  leavePage = (await PAGES[name](root)) ?? (() => {});
}

$('sign-in-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const button = form.querySelector('button');
  button.disabled = true;
  $('sign-in-error').textContent = '';
  try {
    const session = await signIn(formValues(form));
    form.reset();
    showApp(session);
  } catch (err) {
    $('sign-in-error').textContent = `${err.code ? `${err.code}: ` : ''}${err.message}`;
  } finally {
    button.disabled = false;
  }
});

$('sign-out').addEventListener('click', async () => {
  try {
    await signOut();
  } catch (err) {
    sayError(err);
  }
  showSignIn('Signed out.');
});

// The skip link focuses the content without touching the hash (the hash is the router's).
document.querySelector('.skip').addEventListener('click', (e) => {
  e.preventDefault();
  $('main').focus();
});

whenSignedOut((message) => showSignIn(`Your session has ended: ${message}`));
window.addEventListener('hashchange', route);

try {
  const session = await currentSession();
  if (session) showApp(session);
  else showSignIn();
} catch (err) {
  showSignIn();
  say(`The server could not be reached: ${err.message}`, 'error');
}
