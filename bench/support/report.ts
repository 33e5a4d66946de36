/** Turns the bench's results into the markdown tables printed and written to BENCH.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { CutoutQuality } from '../../test/support/images.ts';

export type ContenderName = 'baseline' | 'raw' | 'cutwise';

export interface Sample {
  /** Cutwise only: drop → the dropped photo decoded and on screen, before any cutout. */
  photoMs?: number;
  previewMs: number;
  exportMs: number;
  /** Raw: session.run with only the final output; Cutwise: the engine's own inference timing. */
  inferenceMs?: number;
  /** Cutwise only: engine time after the model ran (mask upsampling, preview, PNG encode). */
  afterModelMs?: number;
  /** Cutwise only: the edge-colour (foreground) estimation of the full-resolution cutout, part of afterModelMs. */
  foregroundMs?: number;
  /** Raw only: session.run asking for all graph outputs, as the library does. */
  allOutputsMs?: number;
  longestTaskMs: number;
  peakRssBytes: number;
  jsHeapBytes: number;
}

/** A cutout's quality against exact truth (defined once, in test/support/images.ts). */
export type Quality = CutoutQuality;

/** Quality of one eval-dev image, baseline and Cutwise. */
export interface EvalResult {
  id: string;
  width: number;
  height: number;
  quality: Partial<Record<ContenderName, Quality>>;
}

export interface SizeResult {
  megapixels: number;
  width: number;
  height: number;
  runs: Record<ContenderName, Sample[]>;
  median: Record<ContenderName, Sample>;
  quality: Partial<Record<ContenderName, Quality>>;
}

export interface BenchResults {
  date: string;
  machine: string;
  runsPerSize: number;
  model: string;
  outputNames: string;
  load: Partial<Record<ContenderName, { networkMs: number; fromCacheMs: number }>>;
  shellJsGzip: number;
  workerJsGzipExclOrt: number;
  sizes: SizeResult[];
  evalDev: EvalResult[];
  foreignRequests: string[];
}

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Chromium ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'}, no GPU`;
}

const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '—' : `${Math.round(value)}`);
/** The longtask observer reports only tasks over 50 ms. */
const task = (value: number | undefined) => (value === 0 ? '< 50' : ms(value));
const mib = (bytes: number) => (bytes ? `${Math.round(bytes / 2 ** 20)}` : '—');
const fixed = (value: number | undefined, digits: number) => (value === undefined ? '—' : value.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? '—' : `${(a / b).toFixed(2)}×`);

export function medianOf(samples: Sample[], pick: (sample: Sample) => number | undefined): number | undefined {
  const values = samples.map(pick).filter((value): value is number => value !== undefined);
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Median of every figure separately (peak memory and longest task: the median run's value). */
export function medianSample(samples: Sample[]): Sample {
  const sample: Sample = {
    previewMs: medianOf(samples, (s) => s.previewMs) ?? Number.NaN,
    exportMs: medianOf(samples, (s) => s.exportMs) ?? Number.NaN,
    longestTaskMs: medianOf(samples, (s) => s.longestTaskMs) ?? Number.NaN,
    peakRssBytes: medianOf(samples, (s) => s.peakRssBytes) ?? 0,
    jsHeapBytes: medianOf(samples, (s) => s.jsHeapBytes) ?? 0,
  };
  const photo = medianOf(samples, (s) => s.photoMs);
  if (photo !== undefined) sample.photoMs = photo;
  const inference = medianOf(samples, (s) => s.inferenceMs);
  const allOutputs = medianOf(samples, (s) => s.allOutputsMs);
  const afterModel = medianOf(samples, (s) => s.afterModelMs);
  if (afterModel !== undefined) sample.afterModelMs = afterModel;
  const foreground = medianOf(samples, (s) => s.foregroundMs);
  if (foreground !== undefined) sample.foregroundMs = foreground;
  if (inference !== undefined) sample.inferenceMs = inference;
  if (allOutputs !== undefined) sample.allOutputsMs = allOutputs;
  return sample;
}

export function renderTables(results: BenchResults): string {
  const lines: string[] = [];
  lines.push(
    `Run ${results.date} on ${results.machine}; model ${results.model}; median of ${results.runsPerSize} warm runs per size, contenders alternating.`,
    '',
    '| size | contender | drop→first preview ms | drop→full-res PNG ms | model run ms | Cutwise compose + encode ms | longest main-thread task ms | peak renderer RSS MiB | main JS heap MiB | IoU | MAE all | MAE edge band | core exactly opaque | edge colour error | shown colour error |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const size of results.sizes) {
    const label = `${size.megapixels} MP (${size.width}×${size.height})`;
    for (const name of ['baseline', 'raw', 'cutwise'] as const) {
      const m = size.median[name];
      const q = size.quality[name];
      const isRaw = name === 'raw';
      lines.push(
        `| ${label} | ${name === 'raw' ? 'raw model (final output only)' : name} | ${isRaw ? '—' : ms(m.previewMs)} | ${isRaw ? '—' : ms(m.exportMs)} | ${ms(m.inferenceMs)} | ${ms(m.afterModelMs)} | ${task(m.longestTaskMs)} | ${mib(m.peakRssBytes)} | ${mib(m.jsHeapBytes)} | ${fixed(q?.iou, 3)} | ${fixed(q?.maeAll, 4)} | ${fixed(q?.maeEdge, 4)} | ${q ? `${(q.coreOpaque * 100).toFixed(1)} %` : '—'} | ${fixed(q?.colourEdge, 4)} | ${fixed(q?.colourShown, 4)} |`,
      );
    }
    lines.push(
      `| ${label} | raw model (all ${results.outputNames.split(',').length} outputs, as the library asks) | — | — | ${ms(size.median.raw.allOutputsMs)} | | | | | | | | | | |`,
    );
  }
  lines.push(
    '',
    '| size | Cutwise drop→photo on screen ms | Cutwise preview ÷ baseline preview (target ≤ 0.25) | Cutwise full-res ÷ baseline full-res | Cutwise model run ÷ raw model (target ≤ 1.10) | raw all outputs ÷ raw final output | Cutwise longest task ms (target ≤ 50) | Cutwise peak RSS (target ≤ 1536 MiB at 24 MP) | edge colours ms (share of Cutwise full-res; target ≤ 10 % at 12 MP) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const size of results.sizes) {
    const { baseline, raw, cutwise } = size.median;
    lines.push(
      `| ${size.megapixels} MP | ${ms(cutwise.photoMs)} | ${ratio(cutwise.previewMs, baseline.previewMs)} | ${ratio(cutwise.exportMs, baseline.exportMs)} | ${ratio(cutwise.inferenceMs, raw.inferenceMs)} | ${ratio(raw.allOutputsMs, raw.inferenceMs)} | ${task(cutwise.longestTaskMs)} | ${mib(cutwise.peakRssBytes)} MiB | ${ms(cutwise.foregroundMs)} (${cutwise.foregroundMs === undefined ? '—' : `${((100 * cutwise.foregroundMs) / cutwise.exportMs).toFixed(1)} %`}) |`,
    );
  }
  lines.push(
    '',
    '| model load | baseline | raw model | Cutwise |',
    '|---|---:|---:|---:|',
    `| fresh context (network from localhost) ms | ${ms(results.load.baseline?.networkMs)} | ${ms(results.load.raw?.networkMs)} | ${ms(results.load.cutwise?.networkMs)} |`,
    `| new page, files from HTTP cache ms | ${ms(results.load.baseline?.fromCacheMs)} | ${ms(results.load.raw?.fromCacheMs)} | ${ms(results.load.cutwise?.fromCacheMs)} |`,
    '',
    `Shell JS (what index.html loads, gzip): ${(results.shellJsGzip / 1024).toFixed(1)} KB (target ≤ 150 KB). Engine worker JS without ONNX Runtime (gzip): ${(results.workerJsGzipExclOrt / 1024).toFixed(1)} KB.`,
    `Requests to any other origin: ${results.foreignRequests.length}.`,
  );
  if (results.evalDev.length > 0) lines.push('', ...evalDevTable(results.evalDev));
  return lines.join('\n');
}

const START = '<!-- bench:table:start -->';
const END = '<!-- bench:table:end -->';

/** Replaces the generated section of BENCH.md, keeping the prose around it. */
export function writeBenchMd(path: string, table: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = `# Benchmark\n\n${START}\n${END}\n`;
  }
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  const section = `${START}\n${table}\n${END}`;
  text = from >= 0 && to > from ? text.slice(0, from) + section + text.slice(to + END.length) : `${text}\n${section}\n`;
  writeFileSync(path, text);
}

/** Per-image quality on eval-dev, then the means and how many images each found (IoU > 0.5). */
function evalDevTable(rows: readonly EvalResult[]): string[] {
  const cell = (q: Quality | undefined) =>
    q
      ? `${fixed(q.iou, 3)} | ${fixed(q.maeEdge, 4)} | ${(q.coreOpaque * 100).toFixed(1)} % | ${q.colourEdge === undefined ? '—' : fixed(q.colourEdge, 4)} | ${q.colourShown === undefined ? '—' : fixed(q.colourShown, 4)}`
      : '— | — | — | — | —';
  const lines = [
    '| eval-dev image | size | baseline IoU | edge MAE | core opaque | edge colour error | shown colour error | Cutwise IoU | edge MAE | core opaque | edge colour error | shown colour error |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.id} | ${row.width}×${row.height} | ${cell(row.quality.baseline)} | ${cell(row.quality.cutwise)} |`),
  ];
  const mean = (name: ContenderName, pick: (q: Quality) => number | undefined) => {
    const values = rows.map((row) => row.quality[name]).flatMap((q) => (q && pick(q) !== undefined ? [pick(q)!] : []));
    return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
  };
  const found = (name: ContenderName, small: boolean) =>
    rows.filter((row) => row.id.startsWith('small-') === small && (row.quality[name]?.iou ?? 0) > 0.5).length;
  const smallCount = rows.filter((row) => row.id.startsWith('small-')).length;
  for (const name of ['baseline', 'cutwise'] as const) {
    lines.push(
      '',
      `${name}: mean over the ${rows.length} images — IoU ${fixed(
        mean(name, (q) => q.iou),
        3,
      )}, edge MAE ${fixed(
        mean(name, (q) => q.maeEdge),
        4,
      )}, edge colour error ${fixed(
        mean(name, (q) => q.colourEdge),
        4,
      )}, shown colour error ${fixed(
        mean(name, (q) => q.colourShown),
        4,
      )}; small subjects found (IoU > 0.5): ${found(name, true)} of ${smallCount}.`,
    );
  }
  return lines;
}
