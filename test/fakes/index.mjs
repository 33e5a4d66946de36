// Entry point of the fake provider servers used by unit tests and `npm run fakes`.
import { startPhotoRoom } from './photoroom.mjs';
import { startLeonardo } from './leonardo.mjs';
import { startRemoveBg } from './removebg.mjs';
import { startWithoutBg } from './withoutbg.mjs';

/**
 * @param {'photoroom' | 'removebg' | 'withoutbg' | 'leonardo'} kind
 * @param {Record<string, any>} [options]
 */
export function startFakeProvider(kind, options = {}) {
  switch (kind) {
    case 'photoroom':
      return startPhotoRoom(options);
    case 'removebg':
      return startRemoveBg(options);
    case 'withoutbg':
      return startWithoutBg(options);
    case 'leonardo':
      return startLeonardo(options);
    default:
      throw new Error(`unknown fake provider: ${String(kind)}`);
  }
}
