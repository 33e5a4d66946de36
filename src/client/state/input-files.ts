/** Choosing the one file to work on from a drop, paste or pick. Pure. */

export interface PickedFile<F> {
  file: F | undefined;
  note?: string;
}

export function pickImageFile<F extends { name: string; type: string }>(files: readonly F[]): PickedFile<F> {
  if (files.length <= 1) return { file: files[0] };
  // Prefer something that claims to be an image; the engine still checks the bytes.
  const file = files.find((candidate) => candidate.type.startsWith('image/')) ?? files[0];
  return {
    file,
    note: `Cutwise works on one image at a time: using “${file?.name ?? ''}” of the ${files.length} files.`,
  };
}
