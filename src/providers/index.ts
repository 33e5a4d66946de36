/** The paid provider layer: one adapter per provider behind one interface, one error type. */
export type * from './types.ts';
export { ProviderError, describeProviderError, parseErrorBody, PROVIDER_NAMES } from './errors.ts';
export type { ProviderErrorKind, ProviderErrorDetails } from './errors.ts';
export { PhotoRoomAdapter, isPhotoRoomSandboxKey } from './photoroom.ts';
export type { PhotoRoomRequest, PhotoRoomSegmentRequest, PhotoRoomEditRequest, PhotoRoomOptions, PhotoRoomShadowMode } from './photoroom.ts';
export { RemoveBgAdapter, REMOVEBG_SHUTDOWN_NOTICE } from './removebg.ts';
export type { RemoveBgRequest, RemoveBgOptions } from './removebg.ts';
export { WithoutBgAdapter, parseExpirationDate } from './withoutbg.ts';
export type { WithoutBgRequest, WithoutBgOptions } from './withoutbg.ts';
