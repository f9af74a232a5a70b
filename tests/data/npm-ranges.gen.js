#!/usr/bin/env node
// The table src/workspace/npm_range.rs is tested against. Regenerate it, in tests/data/, with:
//   d=$(mktemp -d) && (cd "$d" && npm init -y >/dev/null && npm i --no-save semver@7.8.6 >/dev/null) \
//     && NODE_PATH="$d/node_modules" node npm-ranges.gen.js > npm-ranges.json
// (semver@7 resolved to 7.8.6 when this table was generated; pin it so the table is stable.)
//
// What it prints: one JSON array. First one entry per range
//   { "range": R, "minVersion": "x.y.z" | null, "valid": bool, "validRange": normalized | null }
// then one entry per (range, version) pair
//   { "range": R, "version": V, "satisfies": bool }
// (tell them apart by the presence of "version").
// Computed with semver.validRange / semver.minVersion / semver.satisfies with DEFAULT options
// (no loose, no includePrerelease): a prerelease such as 4.76.0-beta.1 satisfies a range
// only if some comparator in the same comparator set has the same [major, minor, patch]
// and itself has a prerelease tag.
//
// `valid` is `semver.validRange(R) !== null`. Strings that are not semver ranges but are
// legal dependency specifiers for npm/pnpm/yarn (dist-tags such as `latest`, `workspace:*`,
// `npm:` aliases, `catalog:`, `file:`, git URLs) come out `valid: false`: a Rust range
// parser must not treat them as ranges (stepup should skip or special-case them).
'use strict';

const semver = require('semver');

const RANGES = [
  '^4.0.0',
  '~4.75.0',
  '>4.75',
  '>=4.76.0',
  '>= 4.0.0',
  '4.x',
  '4',
  '*',
  '',
  'latest',
  'next',
  '4.76.0 - 4.80.0',
  '<4.76.0 || >=5',
  '^4.76.0-beta.1',
  '=4.76.0',
  'v4.76.0',
  '>=4.60 <4.80',
  '^3',
  '~>4.1',
  'workspace:*',
  'npm:@dynamic-labs/sdk-react-core@^4.80.0',
  'catalog:',
  'file:../x',
  'git+https://github.com/dynamic-labs/dynamic-auth.git#v4.76.0',
  '1.18.x',
  '^0.12.1',
  '~1.1.0',
  '>=1.18.0',
  // Beyond the first list: shapes seen in real package.json files, and the ones on
  // which the Rust crate nodejs-semver 7.0.0 was found to differ from npm (see the header
  // of src/workspace/npm_range.rs): empty intersections, a dist-tag or protocol inside `||`, a reversed
  // hyphen range, `<=` with a partial version.
  '^4.76',
  '4.76.x || 5.x',
  '>=4.76.0-0',
  '<4.76',
  '<=4.75',
  ' ^4.80.0 ',
  '>=4.76.0 <4.76.0',
  '4.76.0 || latest',
  'latest || ^4',
  '^4.76.0 || workspace:*',
  '>=4.76.0 <4.75.0',
  '4.80.0 - 4.76.0',
];

const VERSIONS = [
  '4.75.0',
  '4.75.9',
  '4.76.0',
  '4.76.0-beta.1',
  '4.99.1',
  '5.0.0',
  '3.9.9',
  '0.12.1',
  '1.1.0',
  '1.17.9',
  '1.18.0',
];

function safe(fn) {
  try {
    return fn();
  } catch (e) {
    return { error: String(e && e.message ? e.message : e) };
  }
}

const ranges = RANGES.map((range) => {
  const vr = semver.validRange(range);
  const mv = vr === null ? null : safe(() => semver.minVersion(range));
  return {
    range,
    minVersion: mv && typeof mv === 'object' && mv.version ? mv.version : null,
    valid: vr !== null,
    validRange: vr,
  };
});

const cases = [];
for (const range of RANGES) {
  for (const version of VERSIONS) {
    cases.push({ range, version, satisfies: semver.satisfies(version, range) });
  }
}

process.stdout.write(JSON.stringify([...ranges, ...cases], null, 2) + '\n');
