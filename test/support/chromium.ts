/** Where the tests find Chromium, and the flags that keep it from calling any outside host. */
import { existsSync } from 'node:fs';

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export function assertChromium(): void {
  const path = chromiumPath();
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. Install it with: sudo apt-get update && sudo apt-get install -y chromium (or set CHROMIUM_PATH).`,
    );
  }
}

/** A loopback port nothing listens on: Google endpoints Chromium would call go there and fail fast. */
const DEAD = 'http://127.0.0.1:9';

export function chromiumArgs(): string[] {
  return [
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-domain-reliability',
    '--no-first-run',
    '--no-default-browser-check',
    '--metrics-recording-only',
    '--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,InterestFeedContentSuggestions',
    `--gaia-url=${DEAD}`,
    `--google-apis-url=${DEAD}`,
    `--lso-url=${DEAD}`,
    `--component-updater=url-source=${DEAD}`,
    '--enable-unsafe-swiftshader',
  ];
}
