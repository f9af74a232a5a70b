import { authenticatePasskeyMFA, consumeMfaToken, registerPasskey } from '@dynamic-labs-sdk/client';
import { dynamicClient } from './client';

type Signer = { signTypedData: (data: string) => Promise<string> };

/** The passkey check is guarded only by the signature it protects: inferred scope. */
export async function signTypedDataWithPasskey(signer: Signer, data: string) {
  await authenticatePasskeyMFA({ createMfaToken: { singleUse: true } });
  return signer.signTypedData(data);
}

/** Session MFA: no token asked, left alone. */
export async function sessionPasskey() {
  await authenticatePasskeyMFA();
}

/** Legacy token plumbing stepup reports for a human. */
export async function addPasskeyAndReadToken() {
  await registerPasskey({ createMfaToken: { singleUse: true } });
  const token = consumeMfaToken(dynamicClient);
  return token;
}
