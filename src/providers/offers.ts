/**
 * What the app asks each provider for, and what that costs in words, from the adapters' own price
 * declarations. Pure; runs anywhere.
 */
import type { PhotoRoomEditRequest, PhotoRoomRequest, PhotoRoomShadowMode } from './photoroom.ts';
import type { RemoveBgRequest } from './removebg.ts';
import type { WithoutBgRequest } from './withoutbg.ts';
import type { BalanceUnit, OperationSpec, ProviderId } from './types.ts';

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

const UNIT_WORDS: Record<BalanceUnit, [string, string]> = { image: ['image', 'images'], credit: ['credit', 'credits'] };

export function amountInWords(value: number, unit: BalanceUnit): string {
  const [one, many] = UNIT_WORDS[unit];
  return `${value} ${value === 1 ? one : many}`;
}

export const planName = (plan: string) => plan.charAt(0).toUpperCase() + plan.slice(1).toLowerCase();

export interface CostContext {
  /** PhotoRoom sandbox keys are free. */
  sandbox?: boolean;
  plan?: string;
  /** The balance now, in the operation's unit. */
  available?: number;
  /** remove.bg prices by output size. */
  size?: string;
}

/** e.g. "1 image (Basic plan) · 83 images left", or every plan's price when the plan is unknown. */
export function costInWords(operation: OperationSpec, context: CostContext): string {
  if (context.sandbox) return 'free (sandbox key, watermarked)';
  const { cost, unit } = operation;
  let words: string;
  if (cost.byPlan) {
    const price = context.plan === undefined ? undefined : cost.byPlan[context.plan.toLowerCase()];
    words =
      price === undefined || context.plan === undefined
        ? Object.entries(cost.byPlan).map(([plan, value]) => `${amountInWords(value, unit)} on ${planName(plan)}`).join(', ')
        : `${amountInWords(price, unit)} (${planName(context.plan)} plan)`;
  } else if (cost.bySize) {
    const bySize = cost.bySize;
    const price = context.size === undefined ? undefined : bySize[context.size];
    words = amountInWords(price ?? Math.max(...Object.values(bySize)), unit);
  } else {
    words = amountInWords(cost.flat ?? 0, unit);
  }
  return context.available === undefined ? words : `${words} · ${amountInWords(context.available, unit)} left`;
}
