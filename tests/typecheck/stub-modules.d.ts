// Packages outside the Dynamic SDKs (UI kits, viem, an app's own libraries)
// become `any`. Pattern modules apply only when real resolution fails, so the
// SDK packages keep their real declarations.
declare module '*';
