/**
 * What the app asks each provider for: the HD cutout and the AI-edit form as adapter requests.
 * Pure; runs anywhere. (Prices and their words live in credits/logic/prices.ts.)
 */
import type { PhotoRoomEditRequest, PhotoRoomRequest, PhotoRoomShadowMode } from './photoroom.ts';
import type { RemoveBgRequest } from './removebg.ts';
import type { WithoutBgRequest } from './withoutbg.ts';
import type { ProviderId } from './types.ts';

/** The request for a full-resolution cutout from each provider. */
export interface HdRequests {
  photoroom: PhotoRoomRequest;
  removebg: RemoveBgRequest;
  withoutbg: WithoutBgRequest;
}

/** The operation (and size) an HD request uses, for pricing it before there is an image. */
export const HD_OPERATION: Readonly<Record<ProviderId, { op: string; size?: string }>> = {
  photoroom: { op: 'segment' },
  removebg: { op: 'removebg', size: 'full' },
  withoutbg: { op: 'cutout' },
};

export function hdRequest<P extends ProviderId>(provider: P, image: Blob, fileName: string): HdRequests[P];
export function hdRequest(provider: ProviderId, image: Blob, fileName: string): HdRequests[ProviderId] {
  switch (provider) {
    case 'photoroom':
      return { op: 'segment', image, fileName, size: 'full', format: 'png' };
    case 'removebg':
      return { op: 'removebg', image, fileName, size: 'full', format: 'png' };
    case 'withoutbg':
      return { op: 'cutout', image, fileName };
  }
}

export interface AiEditChoices {
  /** Empty: keep a transparent background. */
  backgroundPrompt: string;
  shadow: 'none' | Extract<PhotoRoomShadowMode, 'ai.soft' | 'ai.hard' | 'ai.floating'>;
  relight: boolean;
  /** Percent of the output left around the subject, 0–45. */
  paddingPercent: number;
  outputSize: 'originalImage' | 'croppedSubject' | '1080x1080' | '1920x1080';
}

export const DEFAULT_AI_EDIT: AiEditChoices = {
  backgroundPrompt: '',
  shadow: 'none',
  relight: false,
  paddingPercent: 10,
  outputSize: 'originalImage',
};

export function aiEditRequest(image: Blob, fileName: string, choices: AiEditChoices): PhotoRoomEditRequest {
  const request: PhotoRoomEditRequest = {
    op: 'edit',
    image,
    fileName,
    removeBackground: true,
    padding: `${Math.min(45, Math.max(0, Math.round(choices.paddingPercent)))}%`,
    outputSize: choices.outputSize,
    exportFormat: 'png',
  };
  const prompt = choices.backgroundPrompt.trim();
  if (prompt) request.background = { prompt };
  if (choices.shadow !== 'none') request.shadowMode = choices.shadow;
  if (choices.relight) request.lightingMode = 'ai.auto';
  return request;
}
