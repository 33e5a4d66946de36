/**
 * Every way an on-device cutout can fail, with the words a person sees. Pure; runs anywhere.
 * Messages say what happened and what to do; the UI adds that the previous result is kept.
 */
import type { Sniffed } from './image/sniff.ts';
import { MAX_INPUT_PIXELS, megapixels } from './image/limits.ts';

export type CutoutFailureCode =
  'empty' | 'not-image' | 'unsupported-image' | 'corrupt' | 'too-large' | 'model-load' | 'out-of-memory' | 'internal';

export interface CutoutFailure {
  code: CutoutFailureCode;
  message: string;
}

const PICK_ANOTHER = 'Choose a JPEG, PNG or WebP photo instead.';

const HOW_TO_CONVERT: Partial<Record<string, string>> = {
  heic: 'This browser cannot open HEIC photos. Export it as JPEG (on iPhone: Settings › Camera › Formats › Most Compatible) and try again.',
  tiff: 'This browser cannot open TIFF files. Save it as PNG or JPEG and try again.',
  psd: 'This browser cannot open Photoshop files. Export it as PNG and try again.',
  jxl: 'This browser cannot open JPEG XL yet. Save it as PNG or JPEG and try again.',
  svg: 'SVG drawings have no background to remove. Export it as PNG if you need a raster cutout.',
};

export function emptyFileFailure(fileName: string): CutoutFailure {
  return { code: 'empty', message: `“${fileName}” is empty (0 bytes). ${PICK_ANOTHER}` };
}

/** The refusal for a file whose first bytes are not a format the browser decodes. */
export function unreadableFormatFailure(fileName: string, sniffed: Sniffed): CutoutFailure | undefined {
  switch (sniffed.kind) {
    case 'image':
      return undefined;
    case 'unsupported-image':
      return {
        code: 'unsupported-image',
        message: `“${fileName}” is a ${sniffed.label}. ${HOW_TO_CONVERT[sniffed.format] ?? PICK_ANOTHER}`,
      };
    case 'not-image':
      return { code: 'not-image', message: `“${fileName}” is a ${sniffed.label}, not an image. ${PICK_ANOTHER}` };
    case 'unknown':
      return {
        code: 'not-image',
        message: `“${fileName}” is not in an image format this browser can read. ${PICK_ANOTHER}`,
      };
  }
}

export function corruptImageFailure(fileName: string, sniffed: Sniffed): CutoutFailure {
  const what = sniffed.kind === 'image' ? `looks like a ${sniffed.label} but` : '';
  return {
    code: 'corrupt',
    message:
      `“${fileName}” ${what} could not be decoded: the file is damaged or incomplete. Try exporting it again from where it came from.`
        .replace(/\s+/g, ' ')
        .trim(),
  };
}

export function tooLargeFailure(fileName: string, width: number, height: number): CutoutFailure {
  return {
    code: 'too-large',
    message: `“${fileName}” is ${width}×${height} (${megapixels(width, height)}), more than a browser tab can safely open (limit ${MAX_INPUT_PIXELS / 1e6} MP). Reduce it in a photo editor and try again.`,
  };
}

export function downscaleNotice(fromWidth: number, fromHeight: number, width: number, height: number): string {
  return `This photo is ${fromWidth}×${fromHeight} (${megapixels(fromWidth, fromHeight)}). On-device cutouts work up to 50 MP, so it was reduced to ${width}×${height}.`;
}

/** The model's mask is empty or nearly so: said, never delivered silently. */
export function noSubjectNotice(): string {
  return 'No clear subject was found in this photo, so the cutout is (nearly) empty. Try a photo where the subject stands out from the background, or crop closer to it first.';
}

export function modelLoadFailure(detail: string): CutoutFailure {
  return {
    code: 'model-load',
    message: `The on-device model could not be loaded (${detail}). Check your connection and try again; once downloaded it works offline.`,
  };
}

export function outOfMemoryFailure(): CutoutFailure {
  return {
    code: 'out-of-memory',
    message: 'The browser ran out of memory for this image. Close other tabs, or try the small model or a smaller photo.',
  };
}

export function internalFailure(detail: string): CutoutFailure {
  return { code: 'internal', message: `The cutout failed unexpectedly (${detail}). Please try again.` };
}

/**
 * A provider answered 200 with bytes the browser cannot decode as an image (an HTML page, a damaged
 * PNG). It counted the call as done, so it was charged: the message says so and what to do.
 */
/** A provider's answer claims more pixels than a tab can safely open. */
export function oversizedResultFailure(providerName: string, width: number, height: number, charged?: string): CutoutFailure {
  const paid = charged ? `${providerName} charged for it (${charged}).` : `${providerName} may have charged for it.`;
  return {
    code: 'too-large',
    message: `${providerName} answered with a ${width}×${height} image (${megapixels(width, height)}), more than a browser tab can safely open (limit ${MAX_INPUT_PIXELS / 1e6} MP), so it was not opened. ${paid} The free on-device cutout still works.`,
  };
}

export function unreadableResultFailure(providerName: string, sniffed: Sniffed, charged?: string): CutoutFailure {
  const what =
    sniffed.kind === 'image'
      ? `a damaged ${sniffed.label}`
      : sniffed.kind === 'unknown'
        ? 'something that is not an image'
        : `a ${sniffed.label}, not an image`;
  const paid = charged
    ? `${providerName} charged for it (${charged}): it counts an answered call as done.`
    : `${providerName} may have charged for it.`;
  return {
    code: 'corrupt',
    message: `${providerName} answered with ${what}. ${paid} Try again; if it happens again, tell ${providerName}'s support. The free on-device cutout still works.`,
  };
}
