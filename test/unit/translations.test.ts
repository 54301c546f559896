import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { AVAILABLE_LANGUAGES } from '../../src/portal-settings';
import { readLocale } from '../../src/web/i18n';

const ROOT = join(__dirname, '..', '..');

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, ext);
    return path.endsWith(ext) ? [path] : [];
  });
}

/** Every leaf key of a nested translation file, e.g. `nav.home`. */
function keysOf(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keysOf(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/** A plural key (`x_one`, `x_other`) is used as `x`. */
function usableKeys(tree: Record<string, unknown>): Set<string> {
  return new Set(keysOf(tree).map((k) => k.replace(/_(zero|one|two|few|many|other)$/, '')));
}

const views = filesUnder(join(ROOT, 'views'), '.ejs');
// The sources that put words on a page: handlers, forms, error pages, view models (not the VSee flows,
// whose words never reach a patient, and not the sandbox, which stands in for VSee's own pages).
const sources = [
  ...filesUnder(join(ROOT, 'src', 'portal'), '.ts'),
  // Emails and calendar files: every word in the recipient's language (src/email/messages.ts).
  ...filesUnder(join(ROOT, 'src', 'email'), '.ts'),
  ...filesUnder(join(ROOT, 'src', 'web'), '.ts'),
  // The identity pages (launch-link refusals, OIDC failures); not its settings (config errors).
  ...['launch-routes.ts', 'oidc-routes.ts', 'routes.ts'].map((f) => join(ROOT, 'src', 'identity', f)),
  ...readdirSync(join(ROOT, 'src', 'clinic'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, 'src', 'clinic', f)),
];
// Checked for sentences only: their SQL column names (`'visits.kind'`) would read as translation keys.
const sqlSources = filesUnder(join(ROOT, 'src', 'reminders'), '.ts');

/** What a patient reads in a template once every EJS tag, script and HTML tag is taken out. */
function visibleText(template: string): string {
  return template
    .replace(/<%#[\s\S]*?%>/g, '')
    .replace(/<%[\s\S]*?%>/g, ' ')
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<!doctype html>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&[a-z]+;/g, ' ');
}

/** Attributes a patient reads or hears (screen readers), with their literal values. */
const VISIBLE_ATTRIBUTES =
  /\s(alt|title|placeholder|aria-label|data-busy-text|data-text-[a-z-]+|data-copied-text|data-copy-failed-text)="([^"]*)"/g;

/** Literals that look like words but never reach a patient, each with the reason. */
const NOT_FOR_PATIENTS = new Set([
  'invalid csrf token', // csrf-sync's internal error message; the page says errors.csrfTitle
  'too many requests', // the rate limiter's error message for logs; the page says errors.tooManyTitle
  'PRODID:-//VSee Patient Bridge//Patient Portal//EN', // iCalendar product id, not displayed
  'is not', // Kysely comparison operators
  'not in',
  'appointment.ics', // a file name, not a translation key
  'the development outbox: .eml files in ', // the mail transport's description, for the start-up log line
]);

/** Inside a log call or a thrown error: words for engineers, not patients. */
function isForEngineers(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isNewExpression(n) && /Error$/.test(n.expression.getText())) return true;
    if (
      ts.isCallExpression(n) &&
      /\b(log|logger)\??\.(trace|debug|info|warn|error|fatal)$/.test(n.expression.getText())
    )
      return true;
    // An Error subclass's message (`super('…')`) and a Symbol's description are not shown either.
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.SuperKeyword) return true;
    if (ts.isCallExpression(n) && n.expression.getText() === 'Symbol') return true;
    if (ts.isImportDeclaration(n)) return true;
  }
  return false;
}

/** String literals in a TypeScript source that read like prose (two words and a space). */
function proseLiterals(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isStringLiteral(node) ||
        ts.isNoSubstitutionTemplateLiteral(node) ||
        ts.isTemplateLiteralToken(node)) &&
      // Markup is not prose (an email's `<!doctype html>`); the words between tags still count.
      /[A-Za-z]{2,}\s+[A-Za-z]{2,}/.test(node.text.replace(/<[^>]*>/g, ' ')) &&
      !isForEngineers(node) &&
      !NOT_FOR_PATIENTS.has(node.text)
    ) {
      found.push(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('translations', () => {
  const en = usableKeys(readLocale('en'));

  it.each(AVAILABLE_LANGUAGES.filter((l) => l !== 'en'))(
    '%s has exactly the keys English has',
    (language) => {
      const other = usableKeys(readLocale(language));
      expect([...en].filter((k) => !other.has(k))).toEqual([]);
      expect([...other].filter((k) => !en.has(k))).toEqual([]);
    },
  );

  it('no view shows a word that is not a translation', () => {
    const found = views.flatMap((file) => {
      const template = readFileSync(file, 'utf8');
      const text = visibleText(template)
        .split(/\s+/)
        .filter((w) => /\p{L}/u.test(w));
      const attributes = [...template.replace(/<%[\s\S]*?%>/g, '').matchAll(VISIBLE_ATTRIBUTES)]
        .map((m) => m[2]!)
        .filter((v) => /\p{L}/u.test(v));
      return [...text, ...attributes].map((w) => `${relative(ROOT, file)}: ${w}`);
    });
    expect(found).toEqual([]);
  });

  it('no handler, form or error page passes a sentence instead of a translation key', () => {
    const found = [...sources, ...sqlSources].flatMap((file) =>
      proseLiterals(file).map((l) => `${relative(ROOT, file)}: ${l}`),
    );
    expect(found).toEqual([]);
  });

  it('every key the views and sources name exists in every language', () => {
    const namespaces = new Set([...en].map((k) => k.split('.')[0]!));
    const used = new Set<string>();
    for (const file of [...views, ...sources]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/['"]([a-z][A-Za-z]*\.[A-Za-z0-9_.]+)['"]/g)) {
        if (namespaces.has(m[1]!.split('.')[0]!) && !NOT_FOR_PATIENTS.has(m[1]!)) used.add(m[1]!);
      }
    }
    expect(used.size).toBeGreaterThan(100);
    for (const language of AVAILABLE_LANGUAGES) {
      const keys = usableKeys(readLocale(language));
      expect({ language, missing: [...used].filter((k) => !keys.has(k)) }).toEqual({ language, missing: [] });
    }
  });
});
