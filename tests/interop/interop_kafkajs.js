'use strict';
// Interop: @kafkajs/confluent-schema-registry against a running strata-registry. Run through
// run_with_registry.py (STRATA_REGISTRY_URL), with NODE_PATH pointing at the peers'
// node_modules (tests/interop/CMakeLists.txt sets it).
//
// register() follows the library's own config flow: GET /config/{s}; a 404 means "first
// registration", so it registers and then PUTs {"compatibility": <its level>} on the subject;
// later registrations compare the subject's compatibilityLevel with the configured one.

const { check, requirePeer, registryUrl, expectReject, deepEqual, wireId,
        runSections } = require('./jscheck');

const kjs = requirePeer('@kafkajs/confluent-schema-registry');
const { SchemaRegistry, SchemaType, COMPATIBILITY } = kjs;
const version = requirePeer('@kafkajs/confluent-schema-registry/package.json').version;
const URL = registryUrl();

function registry() {
  return new SchemaRegistry({ host: URL, retry: { retries: 0 } });
}

// A plain request, to see what the server stored independently of the library.
async function getJson(path) {
  const res = await fetch(URL + path, { headers: { Accept: 'application/vnd.schemaregistry.v1+json' } });
  return { status: res.status, body: await res.json() };
}

const statusIs = (status) => (e) => e && e.status === status;
const describe = (e) => (e && e.status ? `HTTP ${e.status}: ${e.message}` : String(e));

const EVENT_V1 = {
  type: 'record', name: 'Event', namespace: 'interop.kjs',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'at', type: 'long' },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['CREATED', 'DELETED'] } },
    { name: 'payload', type: ['null', 'bytes'], default: null },
    { name: 'labels', type: { type: 'map', values: 'string' } },
  ],
};
const EVENT_V2 = { ...EVENT_V1, fields: [...EVENT_V1.fields,
                                         { name: 'source', type: 'string', default: 'unknown' }] };
// Removing "at" without a default on the reader side is fine for BACKWARD, but changing its
// type from long to boolean is not.
const EVENT_BAD = { ...EVENT_V1, fields: EVENT_V1.fields.map(
  (f) => (f.name === 'at' ? { name: 'at', type: 'boolean' } : f)) };
const MESSAGE = { id: 'e-1', at: 1700000000000, kind: 'CREATED', payload: Buffer.from('hi'),
                  labels: { team: 'core', env: 'test' } };

async function registerFlow() {
  const s = 'kjs-events-value';
  const before = await getJson(`/config/${s}`);
  check(before.status === 404 && before.body.error_code === 40408,
        `GET /config/{s} on a fresh subject: 404/40408 (got ${before.status} ` +
        `${JSON.stringify(before.body)})`);

  const r = registry();
  const { id } = await r.register({ type: SchemaType.AVRO, schema: JSON.stringify(EVENT_V1) },
                                  { subject: s });
  check(Number.isInteger(id) && id > 0, `register returns { id } (${id})`);
  const after = await getJson(`/config/${s}`);
  check(after.status === 200 && after.body.compatibilityLevel === 'BACKWARD',
        `the library set BACKWARD on the subject after the first registration ` +
        `(got ${after.status} ${JSON.stringify(after.body)})`);

  check(await registry().getLatestSchemaId(s) === id, 'getLatestSchemaId == the registered id');
  check(await registry().getRegistryId(s, 1) === id, 'getRegistryId(subject, 1)');
  check(await registry().getRegistryIdBySchema(s, { type: SchemaType.AVRO,
                                                    schema: JSON.stringify(EVENT_V1, null, 1) })
        === id, 'getRegistryIdBySchema finds the reformatted schema');

  // Same schema again: the config GET now answers 200 BACKWARD, and the id does not change.
  const again = await registry().register({ type: SchemaType.AVRO,
                                            schema: JSON.stringify(EVENT_V1) }, { subject: s });
  check(again.id === id, `registering the same schema again returns the same id (${again.id})`);

  const bytes = await r.encode(id, MESSAGE);
  check(wireId(bytes) === id, 'encode writes the id in the wire header');
  const back = await registry().decode(bytes);
  check(deepEqual(back, MESSAGE), `encode/decode round trip (got ${JSON.stringify(back)})`);

  // A compatible evolution registers as a new id, is latest, and reads old bytes.
  const v2 = await registry().register({ type: SchemaType.AVRO,
                                         schema: JSON.stringify(EVENT_V2) }, { subject: s });
  check(v2.id !== id, `the evolution gets a new id (${v2.id})`);
  check(await registry().getLatestSchemaId(s) === v2.id, 'latest id is the evolution');
  const upgraded = await registry().decode(bytes, { [SchemaType.AVRO]: { readerSchema: EVENT_V2 } });
  check(deepEqual(upgraded, { ...MESSAGE, source: 'unknown' }),
        `old bytes decode with the new reader schema (got ${JSON.stringify(upgraded)})`);
  const bytes2 = await registry().encode(v2.id, { ...MESSAGE, source: 'cli' });
  check(deepEqual(await registry().decode(bytes2), { ...MESSAGE, source: 'cli' }),
        'round trip with the evolved schema');

  // Incompatible: the registry answers 409 and the library rejects.
  await expectReject(() => registry().register({ type: SchemaType.AVRO,
                                                 schema: JSON.stringify(EVENT_BAD) },
                                               { subject: s }),
                     statusIs(409), describe, 'registering an incompatible schema');
  const versions = await getJson(`/subjects/${s}/versions`);
  check(deepEqual(versions.body, [1, 2]), `still two versions (got ${JSON.stringify(versions.body)})`);

  // A mismatching configured level is detected from GET /config/{s}.
  await expectReject(() => registry().register({ type: SchemaType.AVRO,
                                                 schema: JSON.stringify(EVENT_V2) },
                                               { subject: s, compatibility: COMPATIBILITY.FULL }),
                     (e) => e && e.name === 'ConfluentSchemaRegistryCompatibilityError',
                     (e) => `${e && e.name}: ${e && e.message}`,
                     'register with compatibility FULL on a BACKWARD subject');
}

async function rawSchemaSubject() {
  // A raw Avro schema without a subject registers under "<namespace>.<name>".
  const raw = { type: 'record', name: 'Ping', namespace: 'interop.kjs.raw',
                fields: [{ name: 'n', type: 'int' }] };
  const { id } = await registry().register(raw);
  const latest = await getJson('/subjects/interop.kjs.raw.Ping/versions/latest');
  check(latest.status === 200 && latest.body.id === id && latest.body.version === 1,
        `raw schema registered under interop.kjs.raw.Ping (got ${latest.status} ` +
        `${JSON.stringify(latest.body)})`);
  const back = await registry().decode(await registry().encode(id, { n: 42 }));
  check(deepEqual(back, { n: 42 }), 'raw schema round trip');
  await expectReject(() => registry().getLatestSchemaId('kjs-no-such-subject'), statusIs(404),
                     describe, 'getLatestSchemaId of an unknown subject');
  await expectReject(() => registry().decode(Buffer.from([0, 0, 1, 0, 0, 2])), statusIs(404),
                     describe, 'decoding bytes that name an unknown id');
}

runSections(`@kafkajs/confluent-schema-registry ${version} against ${URL}`, [
  ['register-flow', registerFlow],
  ['raw-schema-subject', rawSchemaSubject],
]);
