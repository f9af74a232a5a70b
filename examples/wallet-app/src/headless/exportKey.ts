import {
  authenticateMfaRecoveryCode,
  authenticateTotpMfaDevice,
  isMfaRequiredForAction,
  MFAAction,
} from '@dynamic-labs-sdk/client';

/** JS SDK: isMfaRequiredForAction stays, the token option becomes requestedScopes. */
export async function exportWithTotp(code: string, exportWaasPrivateKey: () => Promise<void>) {
  if (await isMfaRequiredForAction({ mfaAction: MFAAction.WalletWaasExport })) {
    await authenticateTotpMfaDevice({ code, createMfaTokenOptions: { singleUse: true } });
  }
  await exportWaasPrivateKey();
}

export async function updateProfileWithRecoveryCode(code: string) {
  if (await isMfaRequiredForAction({ mfaAction: MFAAction.UserUpdate })) {
    await authenticateMfaRecoveryCode({ code, createMfaTokenOptions: { singleUse: true } });
  }
}

/** Enrolment of a new TOTP device: no token asked, left alone. */
export async function enrollDevice(code: string, deviceId: string) {
  await authenticateTotpMfaDevice({ code, deviceId });
}
