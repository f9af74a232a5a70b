/** The app's own MFA helper for its admin area: not Dynamic's, never touched. */
export function useMfa() {
  return {
    authenticateDevice: async (opts: { code: string; createMfaToken?: boolean }) =>
      opts.code.length === 6 && opts.createMfaToken !== false,
  };
}
