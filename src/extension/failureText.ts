/**
 * A failure's text as one notification can show it in full (no `vscode` import, so it is unit
 * tested). VS Code folds a notification's newlines into spaces and cuts it after 1000 characters;
 * a notification with an action button opens expanded, so the whole text is read, not one line.
 */

/** The most characters of a message a VS Code notification shows. */
export const NOTIFICATION_LIMIT = 1000;

/**
 * The message's lines joined as one paragraph (a line ending in ":" runs on into the next, others are
 * separated by "; "), cut before `limit` with a pointer to where the rest is.
 */
export function notificationText(message: string, limit = NOTIFICATION_LIMIT, rest = 'the whole text is in the log'): string {
  const lines = message
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  let text = '';
  for (const line of lines) text = text === '' ? line : `${text}${/[:;,]$/.test(text) ? ' ' : '; '}${line}`;
  if (text.length <= limit) return text;
  const suffix = ` … (${rest})`;
  return `${text.slice(0, Math.max(0, limit - suffix.length)).trimEnd()}${suffix}`;
}
