/** The profile's account: creation and registration, and prekey upkeep on the relay. */
export { createProfile, PRIMARY_DEVICE_ID, type CreateProfileInput } from './create-profile';
export { PrekeyMaintenance } from './prekey-maintenance';
export { readAccountState, writeAccountState, type AccountState } from './account-settings';
export { retireRolledBackKeys } from './rolled-back-keys';
