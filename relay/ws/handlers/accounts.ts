import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../shared/proto/gen/hearth/v1/relay_pb';
import { hashSecret, verifySecret } from '../../credentials';
import { RelayError, fail } from '../../errors';
import type { AccountRecord } from '../../store/types';
import {
  checkAccountId,
  checkDeviceId,
  checkRegistrationId,
  checkSecret,
  checkUsername,
  isUsername,
  parsePublicKey,
} from '../../validate';
import type { Handler, HandlerContext } from '../handler';
import { requireSession } from '../session';

export const register: Handler<'register'> = async (request, { relay }) => {
  const username = checkUsername(request.username);
  const deviceId = checkDeviceId(request.deviceId);
  const registrationId = checkRegistrationId(request.registrationId);
  parsePublicKey(request.identityKey, 'identity_key');
  const secret = hashSecret(checkSecret(request.authSecret));
  const account: AccountRecord = { accountId: randomUUID(), username, identityKey: Uint8Array.from(request.identityKey) };
  if (!(await relay.store.accounts.create(account, { deviceId, registrationId, secret }))) {
    throw new RelayError(ErrorCode.USERNAME_TAKEN, 'That username is taken.');
  }
  relay.metrics.registrations();
  return { accountId: account.accountId };
};

export const authenticate: Handler<'authenticate'> = async (request, { relay, connection }) => {
  if (connection.session) throw new RelayError(ErrorCode.ALREADY_AUTHENTICATED, 'This connection is already authenticated.');
  const deviceId = checkDeviceId(request.deviceId);
  checkSecret(request.authSecret);
  const found = isUsername(request.username) ? await relay.store.accounts.deviceSecret(request.username, deviceId) : undefined;
  if (!verifySecret(request.authSecret, found?.secret) || !found) {
    throw fail.unauthenticated('Wrong username, device or auth secret.');
  }
  const { account } = found;
  if (!(await relay.store.presence.tryAdd(account.accountId, connection.id, relay.limits.maxConnectionsPerAccount))) {
    throw new RelayError(ErrorCode.TOO_MANY_CONNECTIONS, 'This account has too many open connections.');
  }
  const counts = await relay.store.prekeys.counts({ accountId: account.accountId, deviceId });
  connection.authenticate({ account, deviceId }, counts);
  relay.metrics.authentications();
  return { accountId: account.accountId, ecPrekeys: counts.ec, kyberPrekeys: counts.kyber };
};

export const addDevice: Handler<'addDevice'> = async (request, context) => {
  const { account } = requireSession(context);
  const { relay } = context;
  const deviceId = checkDeviceId(request.deviceId);
  const registrationId = checkRegistrationId(request.registrationId);
  const secret = hashSecret(checkSecret(request.authSecret));
  const outcome = await relay.store.accounts.addDevice(account.accountId, { deviceId, registrationId, secret }, relay.limits.maxDevicesPerAccount);
  if (outcome === 'exists') throw new RelayError(ErrorCode.DEVICE_EXISTS, `Device ${deviceId} already exists on this account.`);
  if (outcome === 'too-many') throw new RelayError(ErrorCode.TOO_MANY_DEVICES, 'This account has as many devices as it may have.');
  if (outcome === 'no-account') throw fail.notFound('The account');
  return {};
};

export const removeDevice: Handler<'removeDevice'> = async (request, context) => {
  const session = requireSession(context);
  const deviceId = checkDeviceId(request.deviceId);
  if (deviceId === session.deviceId) throw fail.invalid('A device cannot remove itself; remove it from another device.');
  if (!(await context.relay.store.accounts.removeDevice({ accountId: session.account.accountId, deviceId }))) {
    throw fail.notFound(`Device ${deviceId}`);
  }
  return {};
};

export const lookup: Handler<'lookup'> = async (request, context) => {
  requireSession(context);
  const account = await findAccount(request.target, context);
  const devices = await context.relay.store.accounts.devices(account.accountId);
  return { username: account.username, accountId: account.accountId, identityKey: account.identityKey, devices };
};

/** The account a lookup or bundle request names, by username or account id. */
export async function findAccount(
  target: { case: 'username' | 'accountId'; value: string } | { case: undefined; value?: undefined },
  { relay }: HandlerContext,
): Promise<AccountRecord> {
  let account: AccountRecord | undefined;
  if (target.case === 'username') account = await relay.store.accounts.byUsername(checkUsername(target.value));
  else if (target.case === 'accountId') account = await relay.store.accounts.byId(checkAccountId(target.value));
  else throw fail.invalid('Name the account by username or account_id.');
  if (!account) throw fail.notFound('The account');
  return account;
}
