/**
 * Peak memory of the Chromium renderer doing the work, sampled from /proc (Linux) every 100 ms.
 * Chromium is a descendant of this Playwright worker; several pages may be open, so the renderer
 * that burned the most CPU during the run is taken as the one doing it, and its peak resident set
 * (VmRSS: page main thread, its workers, WASM memory, canvases — not the GPU process) is reported.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface ProcessSample {
  rssBytes: number;
  cpuTicks: number;
}

function readProcess(pid: number): { ppid: number; cpuTicks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that ends the command name: state ppid … utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function isRenderer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
  } catch {
    return false;
  }
}

/** Renderer processes that descend from `rootPid`. */
export function rendererPids(rootPid = process.pid): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const info = readProcess(pid);
    if (info) parents.set(pid, info.ppid);
  }
  const descends = (pid: number): boolean => {
    for (let current = parents.get(pid); current !== undefined && current > 1; current = parents.get(current)) {
      if (current === rootPid) return true;
    }
    return false;
  };
  return [...parents.keys()].filter((pid) => descends(pid) && isRenderer(pid));
}

export interface MemoryProbe {
  /** Stops sampling; the peak RSS in bytes of the busiest renderer during the probe. */
  stop(): number;
}

export function startMemoryProbe(intervalMs = 100): MemoryProbe {
  const first = new Map<number, ProcessSample>();
  const peak = new Map<number, number>();
  const last = new Map<number, number>();
  const sample = (): void => {
    for (const pid of rendererPids()) {
      const info = readProcess(pid);
      if (!info) continue;
      const rss = rssOf(pid);
      if (!first.has(pid)) first.set(pid, { rssBytes: rss, cpuTicks: info.cpuTicks });
      last.set(pid, info.cpuTicks);
      peak.set(pid, Math.max(peak.get(pid) ?? 0, rss));
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      let busiest: number | undefined;
      let most = -1;
      for (const [pid, start] of first) {
        const used = (last.get(pid) ?? start.cpuTicks) - start.cpuTicks;
        if (used > most) {
          most = used;
          busiest = pid;
        }
      }
      return busiest === undefined ? 0 : (peak.get(busiest) ?? 0);
    },
  };
}
