import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openRecentsStore, RECENTS_KEPT, type RecentCutout } from '../../src/recents/store.ts';
import { saveProblem } from '../../src/client/state/recents.ts';
import { PHOTO_FRAME } from '../../src/shared/image/finish.ts';

let dbCount = 0;
const freshStore = () => openRecentsStore(`recents-test-${dbCount++}`);

function record(id: string, savedAt: number, photoHash = `hash-${id}`, madeBy = 'on-device'): RecentCutout {
  return {
    id,
    savedAt,
    fileName: `${id}.jpg`,
    madeBy,
    photoHash,
    photo: new Blob(['photo']),
    cutout: new Blob(['cutout']),
    thumbnail: new Blob(['thumb']),
    width: 4,
    height: 3,
    finish: { background: { kind: 'transparent' }, frame: PHOTO_FRAME, shadow: { kind: 'none' }, exportType: 'image/png', quality: 0.9 },
  };
}

describe('recent cutouts store', () => {
  it('lists newest first and keeps only the newest few', async () => {
    const store = await freshStore();
    for (let i = 0; i < RECENTS_KEPT + 3; i++) await store.put(record(`r${i}`, 1000 + i));
    const list = await store.list();
    expect(list).toHaveLength(RECENTS_KEPT);
    expect(list[0]?.id).toBe(`r${RECENTS_KEPT + 2}`);
    expect(await store.get('r0')).toBeUndefined();
  });

  it('keeps later edits with the record and finds a photo by its hash', async () => {
    const store = await freshStore();
    await store.put(record('paid', 1, 'same', 'PhotoRoom'));
    await store.put(record('free', 2, 'same'));
    await store.updateFinish('paid', { ...record('x', 0).finish, frame: { ...PHOTO_FRAME, aspect: '1:1' }, exportType: 'image/jpeg' });
    expect((await store.get('paid'))?.finish).toMatchObject({ frame: { aspect: '1:1' }, exportType: 'image/jpeg' });
    expect((await store.byPhotoHash('same')).map((found) => found.id).sort()).toEqual(['free', 'paid']);
    await store.remove('free');
    expect((await store.list()).map((found) => found.id)).toEqual(['paid']);
    await store.clear();
    expect(await store.list()).toEqual([]);
  });

  it('names a full disk plainly and says nothing else is lost', () => {
    expect(saveProblem(new DOMException('quota', 'QuotaExceededError'))).toContain('the storage this browser allows Cutwise is full');
    expect(saveProblem(new Error('boom'))).toContain('Your cutout on screen is unaffected');
  });
});
