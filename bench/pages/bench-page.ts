/** What every bench page exposes on window.bench for the Playwright driver. */
export interface RunTimings {
  /** Start → first preview on screen, ms. */
  previewMs: number;
  /** Start → full-resolution PNG ready, ms. */
  exportMs: number;
}

export interface BenchPage {
  /** Loads the model (session created); resolves with the time it took in ms. */
  load(): Promise<number>;
  run(file: File): Promise<RunTimings>;
  /** Saves the last result as a download (for the quality metrics). */
  download(name: string): void;
}

/** The raw-model page's window.raw. */
export interface RawModelPage {
  load(model?: string): Promise<number>;
  outputNames(): readonly string[];
  prepare(file: File): Promise<void>;
  runAllOutputs(): Promise<number>;
  runFinalOutput(): Promise<number>;
}

/** What the Playwright driver reads on a bench page's window. */
export interface BenchGlobals {
  bench: BenchPage;
  raw: RawModelPage;
  benchFile: File;
}
