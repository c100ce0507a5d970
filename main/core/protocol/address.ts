import { ProtocolAddress } from '@signalapp/libsignal-client';
import { ProtocolError } from './errors';
import type { DeviceAddress } from './storage';

/** libsignal allows device ids 1..127. */
export const MAX_DEVICE_ID = 127;

export function toProtocolAddress(address: DeviceAddress): ProtocolAddress {
  if (address.name.length === 0 || !Number.isInteger(address.deviceId) || address.deviceId < 1 || address.deviceId > MAX_DEVICE_ID) {
    throw new ProtocolError('misuse', `A device address needs a name and a device id from 1 to ${MAX_DEVICE_ID}.`);
  }
  return ProtocolAddress.new(address.name, address.deviceId);
}

export function toDeviceAddress(address: ProtocolAddress): DeviceAddress {
  return { name: address.name(), deviceId: address.deviceId() };
}

export function sameDevice(a: DeviceAddress, b: DeviceAddress): boolean {
  return a.name === b.name && a.deviceId === b.deviceId;
}
