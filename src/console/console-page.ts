/**
 * The console's page: an empty shell whose script does the rest. It carries no data, only whether
 * the guard let the caller in (`data-session`) and whether the legacy sign-in form may be offered.
 */
export interface ConsoleShell {
  /** `cookie`: an admin's `__session` cookie opened the page; `none`: the script asks for a sign-in. */
  session: 'cookie' | 'none';
  legacySignIn: boolean;
}

/**
 * Nothing inline, nothing from elsewhere: scripts, styles and requests only from this origin, and no
 * framing. The page's SVG charts are drawn with attributes, never with style attributes.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function consoleShellHtml(shell: ConsoleShell): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>clerk-migrate console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css">
<script type="module" src="/console/assets/console.js"></script>
</head>
<body data-session="${shell.session}" data-legacy-sign-in="${shell.legacySignIn}">
<noscript>The console needs JavaScript. The same figures are in the CLI: clerk-migrate stats.</noscript>
<main id="app" aria-live="polite"><p>Loading the console…</p></main>
</body>
</html>
`;
}

/** What a signed-in non-admin gets (or a session cookie sent from another site): the refusal, and nothing of the console. */
export function forbiddenHtml(code: string): string {
  const why =
    code === 'foreign_origin'
      ? 'The session cookie was sent from another site; open the console from its own address.'
      : 'The console is for operators (the admin role).';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>403 Forbidden</title></head>
<body><h1>403 Forbidden</h1><p>${why}</p></body></html>
`;
}
