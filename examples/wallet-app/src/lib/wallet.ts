/** The app's wallet helpers (stand-ins for calls into the wallet connector). */
export async function exportKey(address: string): Promise<string> {
  return `exported ${address}`;
}
export async function signWithWallet(message: string): Promise<string> {
  return `signed ${message}`;
}
export async function refreshWallet(): Promise<void> {}
