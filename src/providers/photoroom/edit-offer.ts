/**
 * PhotoRoom's AI edit as the app offers it: the form's choices and the `/v2/edit` request they make.
 * Pure; runs anywhere.
 */
import type { PhotoRoomEditRequest, PhotoRoomShadowMode } from './adapter.ts';

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

export function aiEditRequest(image: Blob, choices: AiEditChoices): PhotoRoomEditRequest {
  const request: PhotoRoomEditRequest = {
    op: 'edit',
    image,
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
