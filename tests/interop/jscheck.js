'use strict';
// Small assertion helpers shared by the Node interop tests (interop_confluent_js.js,
// interop_kafkajs.js). Each test runs named sections; a failing check is recorded and the
// section goes on, an exception ends only that section. finish() prints the summary and sets
// the exit status.

const INSTALL_HINT = 'run scripts/install-test-peers.sh (as root) to install the interop peers';

const failures = [];
let checks = 0;

function check(cond, what) {
  checks += 1;
  if (!cond) {
    failures.push(what);
    console.log(`  not ok: ${what}`);
  }
  return Boolean(cond);
}

// Loads an npm peer from NODE_PATH; exits with a FAIL line naming the installer when missing.
function requirePeer(name) {
  try {
    return require(name);
  } catch (e) {
    console.log(`FAIL: cannot load ${name} (NODE_PATH=${process.env.NODE_PATH || ''}): ` +
                `${e.message.split('\n')[0]}; ${INSTALL_HINT}`);
    process.exit(1);
  }
}

function registryUrl() {
  const url = process.env.STRATA_REGISTRY_URL;
  if (!url) {
    console.log('FAIL: STRATA_REGISTRY_URL is not set (run through run_with_registry.py)');
    process.exit(1);
  }
  return url;
}

// Awaits fn() and checks that it rejects; test(err) says whether the error is the expected one
// and describe(err) renders it for the message.
async function expectReject(fn, test, describe, what) {
  let got;
  try {
    got = await fn();
  } catch (err) {
    return check(test(err), `${what}: got ${describe(err)}`);
  }
  return check(false, `${what}: expected an error, got success ${JSON.stringify(got)}`);
}

function sameJson(text, obj) {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text))) === JSON.stringify(sortKeys(obj));
  } catch (e) {
    return false;
  }
}

function sortKeys(v) {
  if (Array.isArray(v)) {
    return v.map(sortKeys);
  }
  if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
    const out = {};
    for (const k of Object.keys(v).sort()) {
      out[k] = sortKeys(v[k]);
    }
    return out;
  }
  return v;
}

function deepEqual(a, b) {
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) {
    return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
           a.every((x, i) => deepEqual(x, b[i]));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return deepEqual(ka, kb) && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return a === b;
}

// Wire format: magic byte 0, then the schema id as a 4-byte big-endian integer.
function wireId(buf) {
  check(Buffer.isBuffer(buf) && buf.length > 5 && buf[0] === 0,
        'Confluent wire format starts with magic byte 0');
  return buf.readInt32BE(1);
}

async function runSections(title, sections) {
  console.log(title);
  for (const [name, fn] of sections) {
    const before = failures.length;
    try {
      await fn();
    } catch (err) {
      const detail = err && err.stack ? err.stack.split('\n').slice(0, 4).join('\n') : String(err);
      failures.push(`${name}: unexpected ${detail}`);
      console.log(`  error: ${detail}`);
    }
    console.log(`${failures.length === before ? 'ok  ' : 'FAIL'} ${name}`);
  }
  console.log(`${checks} checks, ${failures.length} failed`);
  for (const f of failures) {
    console.log(`  - ${f}`);
  }
  process.exitCode = failures.length ? 1 : 0;
}

module.exports = { check, requirePeer, registryUrl, expectReject, sameJson, deepEqual, wireId,
                   runSections, INSTALL_HINT };
