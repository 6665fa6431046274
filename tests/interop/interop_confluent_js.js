'use strict';
// Interop: Confluent's JavaScript client (@confluentinc/schemaregistry) against a running
// strata-registry. Run through run_with_registry.py (STRATA_REGISTRY_URL), with NODE_PATH
// pointing at the peers' node_modules (tests/interop/CMakeLists.txt sets it).

const { check, requirePeer, registryUrl, expectReject, sameJson, deepEqual, wireId,
        runSections } = require('./jscheck');

const sr = requirePeer('@confluentinc/schemaregistry');
const { SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType, RestError } = sr;
const version = requirePeer('@confluentinc/schemaregistry/package.json').version;
const URL = registryUrl();

// No retries: a failing request should show up as itself, not after a back-off.
function client() {
  return new SchemaRegistryClient({ baseURLs: [URL], maxRetries: 0 });
}

function restError(status, code) {
  return (e) => e instanceof RestError && e.status === status && e.errorCode === code;
}
function describeRest(e) {
  return e instanceof RestError ? `HTTP ${e.status} / error_code ${e.errorCode} (${e.message})`
                                : String(e);
}

const USER_V1 = {
  type: 'record', name: 'User', namespace: 'interop.cjs',
  fields: [{ name: 'id', type: 'int' }, { name: 'name', type: 'string' }],
};
const USER_V2 = {
  type: 'record', name: 'User', namespace: 'interop.cjs',
  fields: [{ name: 'id', type: 'int' }, { name: 'name', type: 'string' },
           { name: 'email', type: ['null', 'string'], default: null }],
};
const USER_BAD = {
  type: 'record', name: 'User', namespace: 'interop.cjs',
  fields: [{ name: 'id', type: 'string' }, { name: 'name', type: 'string' }],
};
const info = (schema) => ({ schemaType: 'AVRO', schema: JSON.stringify(schema) });

async function registerAndRead() {
  const c = client();
  const s = 'cjs-users-value';
  const id1 = await c.register(s, info(USER_V1));
  check(Number.isInteger(id1) && id1 > 0, `register returns a positive integer id (${id1})`);
  const full = await client().registerFullResponse(s, info(USER_V1));
  check(full.id === id1, `registerFullResponse of the same schema: same id (${full.id})`);

  const byId = await client().getBySubjectAndId(s, id1);
  check(sameJson(byId.schema, USER_V1), `getBySubjectAndId returns the schema (${byId.schema})`);
  check(byId.schemaType === undefined || byId.schemaType === 'AVRO',
        `getBySubjectAndId: schemaType absent or AVRO (${byId.schemaType})`);

  let latest = await client().getLatestSchemaMetadata(s);
  check(latest.id === id1 && latest.version === 1 && latest.subject === s &&
        sameJson(latest.schema, USER_V1),
        `getLatestSchemaMetadata: id ${id1}, version 1, subject ${s} ` +
        `(got ${latest.id} ${latest.version} ${latest.subject})`);

  const id2 = await c.register(s, info(USER_V2));
  check(id2 !== id1, 'a new schema gets a new id');
  latest = await client().getLatestSchemaMetadata(s);
  check(latest.id === id2 && latest.version === 2, 'latest is version 2');
  const v1 = await client().getSchemaMetadata(s, 1);
  check(v1.id === id1 && v1.version === 1 && sameJson(v1.schema, USER_V1),
        'getSchemaMetadata(subject, 1)');
  check(deepEqual(await client().getAllVersions(s), [1, 2]), 'getAllVersions == [1, 2]');
  check((await client().getAllSubjects()).includes(s), 'getAllSubjects lists the subject');
  // A subject with "/", "+" and a space, percent-encoded by the client (encodeURIComponent).
  const odd = 'cjs/nested+sub name-value';
  check(await client().register(odd, info(USER_V1)) === id1, 'register under an odd subject name');
  const oddLatest = await client().getLatestSchemaMetadata(odd);
  check(oddLatest.subject === odd && oddLatest.version === 1,
        `that subject reads back under its exact name (${oddLatest.subject})`);

  // Lookup (POST /subjects/{s}) with the schema in a different textual form.
  const reformatted = { schemaType: 'AVRO', schema: JSON.stringify(USER_V1, null, 2) };
  check(await client().getId(s, reformatted) === id1, 'getId finds a reformatted schema');
  check(await client().getVersion(s, reformatted) === 1, 'getVersion finds version 1');

  await expectReject(() => client().getId(s, info({ ...USER_V1, name: 'Nobody' })),
                     restError(404, 40403), describeRest, 'getId of an unregistered schema');
  await expectReject(() => client().getLatestSchemaMetadata('cjs-no-such-subject'),
                     restError(404, 40401), describeRest, 'latest of an unknown subject');
  await expectReject(() => client().getBySubjectAndId(s, 876543),
                     restError(404, 40403), describeRest, 'getBySubjectAndId of an unknown id');
}

async function compatibility() {
  const c = client();
  const s = 'cjs-compat-value';
  await c.register(s, info(USER_V1));
  check(await c.testSubjectCompatibility(s, info(USER_V2)) === true,
        'testSubjectCompatibility: optional field added is compatible');
  check(await c.testSubjectCompatibility(s, info(USER_BAD)) === false,
        'testSubjectCompatibility: int -> string is incompatible');
  check(await c.testCompatibility(s, 1, info(USER_V2)) === true, 'testCompatibility(version 1)');
  await expectReject(() => client().register(s, info(USER_BAD)),
                     (e) => e instanceof RestError && e.status === 409, describeRest,
                     'registering an incompatible schema');

  check(await c.getDefaultCompatibility() === 'BACKWARD', 'default compatibility is BACKWARD');
  check(await c.updateCompatibility(s, 'FORWARD') === 'FORWARD', 'updateCompatibility(subject)');
  check(await c.getCompatibility(s) === 'FORWARD', 'getCompatibility(subject) == FORWARD');
  const cfg = await c.getConfig(s);
  check(cfg.compatibilityLevel === 'FORWARD', `getConfig: compatibilityLevel FORWARD ` +
        `(${JSON.stringify(cfg)})`);
  check(await c.updateDefaultCompatibility('FULL') === 'FULL', 'updateDefaultCompatibility');
  check(await c.getDefaultCompatibility() === 'FULL', 'getDefaultCompatibility == FULL');
  check(await c.updateDefaultCompatibility('BACKWARD') === 'BACKWARD', 'global level restored');
}

const PAYMENT = {
  type: 'record', name: 'Payment', namespace: 'interop.cjs.serde',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'amount', type: 'double' },
    { name: 'payer', type: 'string' },
    { name: 'memo', type: ['null', 'string'], default: null },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'VOID'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'raw', type: 'bytes' },
  ],
};
const PAYMENT_MSG = { id: 1234567, amount: 19.75, payer: 'Zoë', memo: null, status: 'PAID',
                      tags: ['a', 'b'], raw: Buffer.from([0, 255]) };

async function serdeAutoRegister() {
  // autoRegisterSchemas: the serializer derives the schema from the message (avsc) and
  // registers it under <topic>-value (after probing the associations endpoint).
  const topic = 'cjs-auto';
  const msg = { id: 7, name: 'Ada', score: 1.5, active: true, tags: ['x', 'y'] };
  const ser = new AvroSerializer(client(), SerdeType.VALUE, { autoRegisterSchemas: true });
  const bytes = await ser.serialize(topic, msg);
  const id = wireId(bytes);
  const latest = await client().getLatestSchemaMetadata(`${topic}-value`);
  check(latest.id === id, `autoRegister registered ${topic}-value with the id in the message ` +
        `(${id} vs ${latest.id})`);
  const back = await new AvroDeserializer(client(), SerdeType.VALUE, {}).deserialize(topic, bytes);
  check(deepEqual(back, msg), `autoRegister round trip (got ${JSON.stringify(back)})`);
  // A second message with the same shape reuses the id.
  check(wireId(await ser.serialize(topic, { ...msg, id: 8 })) === id,
        'the second message carries the same id');
}

async function serdeUseLatest() {
  const topic = 'cjs-latest';
  const s = `${topic}-value`;
  const id = await client().register(s, info(PAYMENT));
  const ser = new AvroSerializer(client(), SerdeType.VALUE,
                                 { autoRegisterSchemas: false, useLatestVersion: true });
  const bytes = await ser.serialize(topic, PAYMENT_MSG);
  check(wireId(bytes) === id, 'useLatestVersion serializer writes the latest id');
  const de = new AvroDeserializer(client(), SerdeType.VALUE, { useLatestVersion: true });
  const back = await de.deserialize(topic, bytes);
  check(deepEqual(back, PAYMENT_MSG), `useLatestVersion round trip (got ${JSON.stringify(back)})`);

  // useSchemaId: fetch by id, then look the schema up in the subject (POST /subjects/{s}).
  const byId = new AvroSerializer(client(), SerdeType.VALUE,
                                  { autoRegisterSchemas: false, useSchemaId: id });
  check(wireId(await byId.serialize(topic, PAYMENT_MSG)) === id, 'useSchemaId serializer');

  // Evolve: the reader (latest) schema gains a field with a default; old bytes still decode.
  const v2 = { ...PAYMENT, fields: [...PAYMENT.fields,
                                    { name: 'channel', type: 'string', default: 'web' }] };
  await client().register(s, info(v2));
  const back2 = await new AvroDeserializer(client(), SerdeType.VALUE, { useLatestVersion: true })
                      .deserialize(topic, bytes);
  check(deepEqual(back2, { ...PAYMENT_MSG, channel: 'web' }),
        `old bytes read with the latest schema fill the default (got ${JSON.stringify(back2)})`);
}

async function deletes() {
  const c = client();
  const s = 'cjs-delete-value';
  await c.register(s, info(USER_V1));
  await c.register(s, info(USER_V2));
  check(await c.deleteSubjectVersion(s, 2, false) === 2, 'deleteSubjectVersion (soft) returns 2');
  check(deepEqual(await client().getAllVersions(s), [1]), 'versions after soft delete == [1]');
  check(await c.deleteSubjectVersion(s, 2, true) === 2, 'deleteSubjectVersion (permanent)');
  check(deepEqual(await c.deleteSubject(s, false), [1]), 'deleteSubject (soft) returns [1]');
  check(!(await client().getAllSubjects()).includes(s), 'soft-deleted subject not listed');
  check(deepEqual(await c.deleteSubject(s, true), [1]), 'deleteSubject (permanent) returns [1]');
  await expectReject(() => client().getAllVersions(s), restError(404, 40401), describeRest,
                     'versions of a deleted subject');
}

runSections(`@confluentinc/schemaregistry ${version} against ${URL}`, [
  ['register-and-read', registerAndRead],
  ['compatibility', compatibility],
  ['serde-auto-register', serdeAutoRegister],
  ['serde-use-latest', serdeUseLatest],
  ['deletes', deletes],
]);
