import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page, test } from '@playwright/test';
import {
  type Actor,
  addMember,
  createDocument,
  createWorkspace,
  documentPage,
  newActor,
  person,
  signUp,
} from '../fixtures/actors.ts';
import { remoteTypist } from './remoteTypist.ts';

/**
 * Keystroke latency in a ~50-page document (1,500 paragraphs of 35 words by 4 people),
 * with the live author view off (baseline) and on, in one run. Latency is measured in the
 * page: from the keydown event's timestamp to a task queued from the next animation frame,
 * i.e. until the frame that shows the edit. Not part of the default e2e run.
 */

const PARAGRAPHS = 1_500;
const WORDS_PER_PARAGRAPH = 35;
const CHUNK = 75;
const TYPED_CHARACTERS = 200;

const vocabulary =
  'patients clinic appointment evening waiting list community nurse pathway referral letter phone carer discharge pharmacy transport review plan outcome access support team service people weekly follow up care home visit safe falls diabetes advice clear time'.split(
    ' ',
  );

function paragraph(n: number): string {
  const words = [`P${n}`];
  for (let i = 1; i < WORDS_PER_PARAGRAPH; i++) {
    words.push(vocabulary[(n * 7 + i * 13) % vocabulary.length] ?? 'care');
  }
  return `${words.join(' ')}.`;
}

/** Pastes paragraphs at the end of the document as one edit, as a person pasting would. */
async function pasteAtEnd(page: Page, paragraphs: string[]): Promise<void> {
  const doc = documentPage(page);
  await doc.editor.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.evaluate((texts) => {
    const editor = document.querySelector('[aria-label="Document content"]');
    if (!editor) throw new Error('no editor');
    const data = new DataTransfer();
    data.setData('text/html', texts.map((t) => `<p>${t}</p>`).join(''));
    data.setData('text/plain', texts.join('\n\n'));
    editor.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, paragraphs);
  await expect(doc.status).toHaveText('All changes saved', { timeout: 60_000 });
}

interface Stats {
  p50: number;
  p95: number;
  max: number;
  count: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? 0, count: sorted.length };
}

const fmt = (s: Stats) =>
  `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (n=${s.count})`;

/** Records, per keydown, the time until a task after the next frame. */
async function instrument(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __latencies: number[]; __instrumented?: boolean };
    w.__latencies = [];
    if (w.__instrumented) return;
    w.__instrumented = true;
    document.addEventListener(
      'keydown',
      (event) => {
        const start = event.timeStamp;
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => w.__latencies.push(performance.now() - start);
          channel.port2.postMessage(null);
        });
      },
      true,
    );
  });
}

/**
 * Types 200 characters like a person: ~60 ms between keys and a short pause after each
 * word, long enough for the author view's debounced redraw to run between words.
 */
async function typeLikeAPerson(page: Page, text: string): Promise<number[]> {
  await instrument(page);
  const words = text.split(' ');
  for (const [i, word] of words.entries()) {
    await page.keyboard.type(i === words.length - 1 ? word : `${word} `, { delay: 60 });
    await page.waitForTimeout(140 + (i % 5) * 20);
  }
  await page.waitForTimeout(500);
  return page.evaluate(() => (window as unknown as { __latencies: number[] }).__latencies);
}

/**
 * The same typing into a plain `<textarea>` laid over the page: the browser's own text
 * input, with no editor, binding or sync behind it. Measured the same way, it is the floor
 * of this measure on this machine in this page's conditions (the frame wait included).
 */
async function typeInPlainTextarea(page: Page, text: string): Promise<number[]> {
  await page.evaluate(() => {
    const area = document.createElement('textarea');
    area.id = 'bench-floor';
    area.setAttribute('aria-label', 'Benchmark floor');
    area.style.cssText = 'position:fixed;right:8px;bottom:8px;width:240px;height:80px;z-index:9';
    document.body.append(area);
    area.focus();
  });
  const latencies = await typeLikeAPerson(page, text);
  await page.evaluate(() => document.getElementById('bench-floor')?.remove());
  return latencies;
}

function typedText(seed: string): string {
  let text = '';
  let i = 0;
  while (text.length < TYPED_CHARACTERS) {
    text += `${i === 0 ? '' : ' '}${vocabulary[(i * 11 + seed.length) % vocabulary.length]}`;
    i++;
  }
  return text.slice(0, TYPED_CHARACTERS).trimEnd();
}

/** Writes one recording into `e2e/bench/results/` and says where. */
function saveResult(fileName: string, content: string, what: string): void {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', fileName);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  console.log(`${what}: ${file}`);
}

/**
 * With BENCH_BROWSER_PROFILE=1, records a Chromium CPU profile of one phase into
 * `e2e/bench/results/<name>.cpuprofile` (open it in Chrome's performance panel); with
 * BENCH_BROWSER_TRACE=1, a Chromium trace into `<name>.trace.json`.
 */
async function startProfile(page: Page): Promise<{ stop: (name: string) => Promise<void> }> {
  const browser = page.context().browser();
  if (process.env.BENCH_BROWSER_TRACE === '1' && browser) {
    // A Chromium trace shows the rendering work (style, layout, paint) a CPU profile
    // lumps together as "(program)".
    await browser.startTracing(page, {
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'],
    });
    return {
      async stop(name) {
        const trace = await browser.stopTracing();
        saveResult(`${name}.trace.json`, trace.toString(), 'Trace');
      },
    };
  }
  if (process.env.BENCH_BROWSER_PROFILE !== '1') return { stop: async () => {} };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    async stop(name) {
      const { profile } = await cdp.send('Profiler.stop');
      saveResult(`${name}.cpuprofile`, JSON.stringify(profile), 'CPU profile');
      await cdp.detach();
    },
  };
}

test('author view keystroke latency in a 50-page document', async ({ browser }) => {
  test.setTimeout(15 * 60_000);
  const names: [string, string, string][] = [
    ['Ann Owner', 'owner', 'Other'],
    ['Pat Patient', 'patient', 'Patient or service user'],
    ['Dr Clinician', 'clinician', 'Clinician'],
    ['Cam Commissioner', 'commissioner', 'Commissioner'],
    ['Val Volunteer', 'volunteer', 'Voluntary or community sector'],
    ['Chris Carer', 'carer', 'Carer'],
  ];
  /** The document is written by the first four; the other five type during measurement. */
  const AUTHORS = 4;
  const actors: Actor[] = [];
  for (const [name, label] of names) actors.push(await newActor(browser, person(name, label)));
  await Promise.all(actors.map((a) => signUp(a.page, a.person)));
  const [owner] = actors;
  if (!owner) throw new Error('no owner');
  await createWorkspace(owner.page, 'Benchmark workspace');
  for (const [i, actor] of actors.entries()) {
    if (i === 0) continue;
    await addMember(owner.page, actor.person.email, actor.person.name, {
      role: names[i]?.[2] ?? 'Other',
    });
  }
  // The floor: a short document (the template), one person typing. The keystroke is
  // measured until the frame after it, so even here a keystroke waits up to one frame.
  const workspaceUrl = owner.page.url();
  await createDocument(owner.page, 'Short note', 'Service design');
  const shortEditor = documentPage(owner.page).editor;
  await expect(documentPage(owner.page).status).toHaveText('All changes saved');
  await shortEditor.getByRole('paragraph').first().click();
  await owner.page.keyboard.press('End');
  await typeLikeAPerson(owner.page, typedText('warm').slice(0, 60));
  const short = stats(await typeLikeAPerson(owner.page, typedText('short')));
  const shortFloor = stats(await typeInPlainTextarea(owner.page, typedText('floor')));
  await owner.page.goto(workspaceUrl);

  await createDocument(owner.page, 'Long plan', 'Service design');
  const url = owner.page.url();
  await Promise.all(actors.slice(1).map((a) => a.page.goto(url)));
  for (const actor of actors) {
    await expect(documentPage(actor.page).status).toHaveText('All changes saved');
  }

  const built = Date.now();
  // Rounds of 75 paragraphs per person, so everyone's text is spread through the document.
  for (let start = 0, turn = 0; start < PARAGRAPHS; start += CHUNK, turn++) {
    const actor = actors[turn % AUTHORS];
    if (!actor) continue;
    const texts = Array.from({ length: Math.min(CHUNK, PARAGRAPHS - start) }, (_, i) =>
      paragraph(start + i),
    );
    await pasteAtEnd(actor.page, texts);
  }
  const measurer = owner.page;
  const editor = documentPage(measurer).editor;
  await expect(editor.getByText(`P${PARAGRAPHS - 1} `)).toBeAttached({ timeout: 60_000 });
  // Five other people keep typing elsewhere in the document all through the measurement
  // (author view off and on alike), so it is one person's typing amid live traffic.
  const documentId = new URL(url).pathname.split('/').pop() ?? '';
  const typists: { cookie: string; marker: string }[] = [];
  for (const [i, actor] of actors.slice(1).entries()) {
    const cookie = (await actor.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await actor.context.close();
    typists.push({ cookie, marker: `P${[300, 500, 1100, 1300, 1400][i] ?? 200} ` });
  }
  const characters = await editor.evaluate((e) => e.textContent?.length ?? 0);
  console.log(
    `Document: ${PARAGRAPHS} paragraphs, ${characters.toLocaleString('en-GB')} characters, ${AUTHORS} authors; built in ${((Date.now() - built) / 1000).toFixed(1)} s`,
  );

  const placeCaret = async (n: number) => {
    await editor.getByText(`P${n} `).click();
    await measurer.keyboard.press('End');
  };

  // Warm-up (not counted): the first keystrokes after building pay for JIT and GC.
  await placeCaret(600);
  await typeLikeAPerson(measurer, typedText('warm').slice(0, 60));

  // The floor: the same document with nobody else typing. A keystroke is measured until
  // the frame after it, so even an idle page shows up to one frame (16.7 ms) here.
  await placeCaret(650);
  const quietProfile = await startProfile(measurer);
  const quiet = stats(await typeLikeAPerson(measurer, typedText('quiet')));
  await quietProfile.stop('typing-quiet');
  const remote = typists.map(({ cookie, marker }) =>
    remoteTypist({
      origin: new URL(url).origin,
      documentId,
      cookie,
      marker,
      text: ' more remote words',
      everyMs: 150,
    }),
  );

  // Author view off, with the five typing. BENCH_BROWSER_PROFILE=1 profiles this phase,
  // the quiet one and the one with the view on, to show where keystroke time goes.
  await placeCaret(700);
  const offProfile = await startProfile(measurer);
  const off = stats(await typeLikeAPerson(measurer, typedText('off')));
  await offProfile.stop('typing-off');

  // Author view on.
  const toggle = measurer.getByRole('button', { name: 'Show who wrote what' });
  await toggle.click();
  await expect(measurer.getByRole('region', { name: 'Who wrote what: key' })).toBeVisible({
    timeout: 60_000,
  });
  const runs = await editor.locator('.author-run').count();
  const initial = stats(
    await measurer.evaluate(() =>
      performance.getEntriesByName('chorus:author-view:redraw').map((e) => e.duration),
    ),
  );
  await measurer.evaluate(() => {
    performance.clearMeasures('chorus:author-view:redraw');
    performance.clearMeasures('chorus:author-view:redraw-part');
  });
  await placeCaret(800);
  const onProfile = await startProfile(measurer);
  const on = stats(await typeLikeAPerson(measurer, typedText('on')));
  await onProfile.stop('typing-on');
  // The floor in the same conditions: author view on, five people typing.
  const onFloor = stats(await typeInPlainTextarea(measurer, typedText('on floor')));
  // Off again, to show drift over the run.
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await placeCaret(900);
  const offAgain = stats(await typeLikeAPerson(measurer, typedText('off again')));
  const remoteTyped = await Promise.all(remote.map((r) => r.stop()));
  const durations = (name: string) =>
    measurer.evaluate((n) => performance.getEntriesByName(n).map((e) => e.duration), name);
  const redraws = stats(await durations('chorus:author-view:redraw'));
  const partRedraws = stats(await durations('chorus:author-view:redraw-part'));

  console.log(
    `Five other people typed elsewhere in the document throughout: ${remoteTyped.join(', ')} characters.`,
  );
  expect(Math.min(...remoteTyped)).toBeGreaterThan(100);
  console.log(`Short document (the template), nobody else typing: ${fmt(short)}`);
  console.log(`Nobody else typing, author view off: ${fmt(quiet)}`);
  console.log(`Author view OFF: ${fmt(off)}`);
  console.log(`Author view ON:  ${fmt(on)}  (${runs} author runs drawn)`);
  console.log(`Author view OFF again: ${fmt(offAgain)}`);
  console.log(
    `Ratio ON/OFF: p50 ${(on.p50 / off.p50).toFixed(2)}x, p95 ${(on.p95 / off.p95).toFixed(2)}x, max ${(on.max / off.max).toFixed(2)}x`,
  );
  console.log(
    `Ratio to the short document: quiet p95 ${(quiet.p95 / short.p95).toFixed(2)}x, OFF p95 ${(off.p95 / short.p95).toFixed(2)}x, ON p95 ${(on.p95 / short.p95).toFixed(2)}x`,
  );
  console.log(
    `Ratio to nobody else typing: OFF p95 ${(off.p95 / quiet.p95).toFixed(2)}x, ON p95 ${(on.p95 / quiet.p95).toFixed(2)}x`,
  );
  console.log(`Plain textarea in the short document's page (the floor): ${fmt(shortFloor)}`);
  console.log(`Plain textarea in this page, author view on, five typing: ${fmt(onFloor)}`);
  console.log(
    `Ratio to the plain textarea: short p95 ${(short.p95 / shortFloor.p95).toFixed(2)}x, ON p95 ${(on.p95 / onFloor.p95).toFixed(2)}x; the editor adds p95 ${(short.p95 - shortFloor.p95).toFixed(1)} ms (short) and ${(on.p95 - onFloor.p95).toFixed(1)} ms (ON)`,
  );
  console.log(`Full redraw on switching on: ${fmt(initial)}`);
  console.log(`Redraws of changed blocks while typing (debounced): ${fmt(partRedraws)}`);
  console.log(`Full redraws while typing (only after new authorship data): ${fmt(redraws)}`);
  expect(on.count).toBeGreaterThan(150);
  await owner.context.close();
});
