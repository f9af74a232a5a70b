// The app's own entry point to Dynamic's React SDK: components import from
// '@/lib/dynamic', never from the package (stepup follows the barrel).
export * from '@dynamic-labs/sdk-react-core';
