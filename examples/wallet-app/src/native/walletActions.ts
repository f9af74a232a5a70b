import { MFAAction } from '@dynamic-labs/sdk-api-core';
import { nativeClient } from './client';

/** React Native: client.mfa / client.passkeys / client.ui.mfa → client.stepUpAuth. */
export async function nativeSign(code: string) {
  const required = await nativeClient.mfa.isRequiredForAction({ mfaAction: MFAAction.WalletWaasSign });
  if (required) {
    await nativeClient.mfa.authenticateDevice({ code, createMfaToken: { singleUse: true } });
  }
}

export async function nativeExportWithPasskey() {
  if (await nativeClient.mfa.isRequiredForAction({ mfaAction: MFAAction.WalletWaasExport })) {
    await nativeClient.passkeys.authenticateMFA({ createMfaToken: { singleUse: true } });
  }
}

export async function nativePrompt() {
  if (await nativeClient.mfa.isRequiredForAction({ mfaAction: MFAAction.WalletWaasExport })) {
    await nativeClient.ui.mfa.show({ createMfaToken: true });
  }
}

/** Login-time MFA in the native app: left alone. */
export async function nativeLogin(code: string) {
  await nativeClient.mfa.authenticateDevice({ code });
}

export async function nativeRecoverAndUpdateProfile(recoveryCode: string) {
  if (await nativeClient.mfa.isRequiredForAction({ mfaAction: MFAAction.UserUpdate })) {
    await nativeClient.mfa.authenticateRecoveryCode({ code: recoveryCode, createMfaToken: { singleUse: true } });
  }
}
