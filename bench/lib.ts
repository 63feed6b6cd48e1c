// Shared pieces of the benchmark: settings from the environment, the loopback server process, the batch runner,
// summary statistics and the results table.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// ---- settings ---------------------------------------------------------------------------------------------------

const quick = process.env['BENCH_QUICK'] === '1';

/** A positive integer from the environment (BENCH_QUICK=1 switches every default to its quick value). */
export function setting(name: string, full: number, quickValue: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return quick ? quickValue : full;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number (got ${JSON.stringify(raw)})`);
  return value;
}

export function listSetting(name: string, full: readonly number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return [...full];
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isSafeInteger(value) || value <= 0)) throw new TypeError(`${name} must be a comma-separated list of positive integers`);
  return values;
}

export const isQuick = quick;

// ---- summary statistics -----------------------------------------------------------------------------------------

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, n: sorted.length };
}

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** Ratios taken pair by pair (same round, same process): a[i] / b[i]. */
export function pairRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error('pairRatios: rounds differ');
  return a.map((value, index) => value / (b[index] as number));
}

/** The order of the variants in round `round`: forward, then backward (A B … B A), so drift and order cancel. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...items] : [...items].reverse();
}

// ---- the batch runner -------------------------------------------------------------------------------------------

/**
 * Runs `calls` calls of `call` with `concurrency` of them in flight at any time and returns the wall time in ms.
 * Any failed call rejects the batch (a benchmark that gets wrong answers must not report a speed).
 */
export async function timedBatch(call: () => Promise<void>, calls: number, concurrency: number): Promise<number> {
  return (await measuredBatch(call, calls, concurrency)).ms;
}

/** timedBatch, plus the CPU time this process spent (user + system, µs): the client's own cost per call. */
export async function measuredBatch(call: () => Promise<void>, calls: number, concurrency: number): Promise<{ ms: number; cpuUs: number }> {
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < calls) {
      started += 1;
      await call();
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, worker));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuUs: cpu.user + cpu.system };
}

// ---- the loopback server ----------------------------------------------------------------------------------------

export interface ServerStats {
  requests: number;
  /** Requests whose body came with chunked transfer encoding (no Content-Length). */
  chunkedBodies: number;
  /** TCP connections accepted. */
  connections: number;
  byPath: Record<string, number>;
}

export interface BenchServer {
  baseUrl: string;
  total: number;
  pageSize: number;
  pageCount: number;
  stats(): Promise<ServerStats>;
  reset(): void;
  close(): void;
}

/** Forks bench/server.mjs (its own process and event loop) and resolves once it listens; rejects loudly otherwise. */
export function startServer(env: Record<string, string>): Promise<BenchServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)), [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('bench server did not start within 30 s'));
    }, 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`bench server failed to start: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`bench server exited before it was ready (code ${code}, signal ${signal})`));
    });
    child.on('message', function onReady(message: { type?: string; port?: number; total?: number; pageSize?: number; pageCount?: number }) {
      if (message.type !== 'ready') return;
      child.off('message', onReady);
      child.removeAllListeners('exit');
      clearTimeout(timer);
      let closing = false;
      child.once('exit', (code, signal) => {
        if (!closing) {
          console.error(`bench server died during the run (code ${code}, signal ${signal})`);
          process.exit(1);
        }
      });
      resolve({
        baseUrl: `http://127.0.0.1:${message.port}`,
        total: message.total as number,
        pageSize: message.pageSize as number,
        pageCount: message.pageCount as number,
        stats: () =>
          new Promise((done) => {
            child.on('message', function onStats(reply: { type?: string; stats?: ServerStats }) {
              if (reply.type !== 'stats') return;
              child.off('message', onStats);
              done(reply.stats as ServerStats);
            });
            child.send({ type: 'stats' });
          }),
        reset: () => child.send({ type: 'reset' }),
        close: () => {
          closing = true;
          child.kill();
        },
      });
    });
  });
}

// ---- the results table ------------------------------------------------------------------------------------------

export type Unit = 'calls/s' | '×' | 'ms' | 'µs' | 'ns' | 'MB' | 'B' | 'KB' | 'ids/s' | '%' | 'calls' | 'sockets';

export interface Target {
  /** The median must be at least (>=) or at most (<=) this value. */
  op: '>=' | '<=';
  value: number;
}

export interface Row {
  scenario: string;
  measure: string;
  summary: Summary;
  unit: Unit;
  target?: Target | undefined;
  note?: string | undefined;
}

function format(value: number, unit: Unit): string {
  switch (unit) {
    case '×':
      return value.toFixed(3);
    case 'calls':
    case 'sockets':
      return Number.isInteger(value) ? String(value) : value.toFixed(1);
    case 'calls/s':
    case 'ids/s':
    case 'B':
      return Math.round(value).toLocaleString('en-US');
    case 'KB':
    case 'MB':
    case 'ms':
      return value >= 100 ? value.toFixed(0) : value.toFixed(1);
    case 'µs':
      return value.toFixed(2);
    case 'ns':
      return value.toFixed(0);
    case '%':
      return value.toFixed(1);
  }
}

export function targetMet(row: Row): boolean | undefined {
  if (!row.target) return undefined;
  return row.target.op === '>=' ? row.summary.median >= row.target.value : row.summary.median <= row.target.value;
}

export function renderTable(rows: readonly Row[]): string {
  const header = ['#', 'measure', 'median', 'min', 'max', 'unit', 'n', 'target', 'status'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i >= 2 && i <= 4 ? '---:' : '---')).join('|')}|`];
  for (const row of rows) {
    const met = targetMet(row);
    const single = row.summary.n === 1;
    lines.push(
      `| ${[
        row.scenario,
        row.measure + (row.note ? ` — ${row.note}` : ''),
        format(row.summary.median, row.unit),
        single ? '' : format(row.summary.min, row.unit),
        single ? '' : format(row.summary.max, row.unit),
        row.unit,
        String(row.summary.n),
        row.target ? `${row.target.op === '>=' ? '≥' : '≤'} ${format(row.target.value, row.unit)}` : '',
        met === undefined ? '' : met ? 'met' : '**MISSED**',
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

export function single(value: number): Summary {
  return { median: value, min: value, max: value, n: 1 };
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
