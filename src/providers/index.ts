/** The paid provider layer: one folder per provider behind one interface, one registry, one error type. */
export type * from './types.ts';
export { PROVIDER_IDS, PROVIDER_NAMES, providerMeta, isProviderId, isSandboxKey, planLabel, defaultProviderOrigins } from './catalog.ts';
export { ProviderError, describeProviderError, parseErrorBody, ADDRESS_SETTING } from './errors.ts';
export type { ProviderErrorKind, ProviderErrorDetails, RetiredBy } from './errors.ts';
export { providerStatus, isRetired } from './retirement.ts';
export type { ProviderStatus, RetirementEvidence } from './retirement.ts';
export { PhotoRoomAdapter, isPhotoRoomSandboxKey } from './photoroom/adapter.ts';
export type {
  PhotoRoomRequest,
  PhotoRoomSegmentRequest,
  PhotoRoomEditRequest,
  PhotoRoomOptions,
  PhotoRoomShadowMode,
} from './photoroom/adapter.ts';
export { RemoveBgAdapter } from './removebg/adapter.ts';
export type { RemoveBgRequest, RemoveBgOptions } from './removebg/adapter.ts';
export { WithoutBgAdapter, parseExpirationDate } from './withoutbg/adapter.ts';
export type { WithoutBgRequest, WithoutBgOptions } from './withoutbg/adapter.ts';
export { LeonardoAdapter } from './leonardo/adapter.ts';
export type { LeonardoRemoveBgRequest, LeonardoOptions } from './leonardo/adapter.ts';
