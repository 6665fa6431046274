'use strict';
// Interop: libstrata-client's Avro serde against Confluent's JavaScript serde
// (@confluentinc/schemaregistry), both on the same strata-registry:
//   - the npm AvroSerializer frames known values; our C decoder (framed_avro decode, linked to
//     libstrata-client) decodes the bytes, with the writer schema and with an evolved reader
//     schema; the consumer example of docs/client-library.md (avro_consumer) decodes one too;
//   - our serializer (framed_avro encode) frames values; the npm AvroDeserializer decodes them.
// usage (through run_with_registry.py, NODE_PATH set by CMake):
//   node interop_serde_js.js PATH-TO-framed_avro PATH-TO-avro_consumer

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { check, requirePeer, registryUrl, deepEqual, wireId, runSections } = require('./jscheck');

const sr = requirePeer('@confluentinc/schemaregistry');
const { SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType } = sr;
const version = requirePeer('@confluentinc/schemaregistry/package.json').version;
const URL = registryUrl();
const TOOL = process.argv[2];
const CONSUMER = process.argv[3];
if (!TOOL || !CONSUMER) {
  console.log('FAIL: usage: interop_serde_js.js PATH-TO-framed_avro PATH-TO-avro_consumer');
  process.exit(1);
}
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-serde-js-'));
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }));

function client() {
  return new SchemaRegistryClient({ baseURLs: [URL], maxRetries: 0 });
}

const PLACE = {
  type: 'record', name: 'Place',
  fields: [{ name: 'city', type: 'string' }, { name: 'zip', type: ['null', 'int'], default: null }],
};
const SHIPMENT = {
  type: 'record', name: 'Shipment', namespace: 'interop.serde',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'weight', type: 'double' },
    { name: 'scale', type: 'float' },
    { name: 'fragile', type: 'boolean' },
    { name: 'count', type: 'int' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'SENT', 'LOST'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'dims', type: { type: 'map', values: 'int' } },
    { name: 'raw', type: 'bytes' },
    { name: 'code', type: { type: 'fixed', name: 'Code', size: 3 } },
    { name: 'origin', type: PLACE },
    { name: 'stops', type: { type: 'array', items: 'Place' } },
    { name: 'alt', type: ['null', 'Place'], default: null },
  ],
};

// The reader a newer consumer uses: "scale" dropped, "count" promoted to long, "city" renamed
// to "town" (alias), enum symbols reordered with a default, two new fields with defaults.
const PLACE_V2 = {
  type: 'record', name: 'Place',
  fields: [{ name: 'town', type: 'string', aliases: ['city'] },
           { name: 'zip', type: ['null', 'int'], default: null }],
};
const SHIPMENT_V2 = {
  type: 'record', name: 'Shipment', namespace: 'interop.serde',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'weight', type: 'double' },
    { name: 'fragile', type: 'boolean' },
    { name: 'count', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['LOST', 'NEW', 'SENT'],
                              default: 'NEW' } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'dims', type: { type: 'map', values: 'int' } },
    { name: 'raw', type: 'bytes' },
    { name: 'code', type: { type: 'fixed', name: 'Code', size: 3 } },
    { name: 'origin', type: PLACE_V2 },
    { name: 'stops', type: { type: 'array', items: 'Place' } },
    { name: 'alt', type: ['null', 'Place'], default: null },
    { name: 'priority', type: 'int', default: 3 },
    { name: 'carrier', type: 'string', default: 'post' },
  ],
};

// Known values, as the JS serializer takes them.
const MESSAGES = [
  { id: 1234567890123, weight: 2.5, scale: 0.75, fragile: true, count: -42,
    note: 'handle with care', status: 'SENT', tags: ['a', 'b'], dims: { w: 3, h: -1 },
    raw: Buffer.from([1, 2, 255]), code: Buffer.from('XYZ'),
    origin: { city: 'Zürich', zip: 8001 }, stops: [{ city: 'Basel', zip: null }],
    alt: { city: 'Bern', zip: null } },
  { id: -1, weight: -0.125, scale: 3, fragile: false, count: 2147483647, note: null,
    status: 'LOST', tags: [], dims: {}, raw: Buffer.from('A'), code: Buffer.from([0x10, 0x20, 0x7f]),
    origin: { city: '', zip: null }, stops: [], alt: null },
];

// What avro-c prints for them (Avro's JSON encoding: a non-null union value as {"type": v},
// bytes and fixed as strings of code points 0-255).
const bytesText = (buf) => String.fromCharCode(...buf);
const EXPECTED_WRITER = [
  { id: 1234567890123, weight: 2.5, scale: 0.75, fragile: true, count: -42,
    note: { string: 'handle with care' }, status: 'SENT', tags: ['a', 'b'], dims: { w: 3, h: -1 },
    raw: bytesText([1, 2, 255]), code: 'XYZ', origin: { city: 'Zürich', zip: { int: 8001 } },
    stops: [{ city: 'Basel', zip: null }], alt: { Place: { city: 'Bern', zip: null } } },
  { id: -1, weight: -0.125, scale: 3, fragile: false, count: 2147483647, note: null,
    status: 'LOST', tags: [], dims: {}, raw: 'A', code: bytesText([0x10, 0x20, 0x7f]),
    origin: { city: '', zip: null }, stops: [], alt: null },
];
const EXPECTED_READER = [
  { id: 1234567890123, weight: 2.5, fragile: true, count: -42,
    note: { string: 'handle with care' }, status: 'SENT', tags: ['a', 'b'], dims: { w: 3, h: -1 },
    raw: bytesText([1, 2, 255]), code: 'XYZ', origin: { town: 'Zürich', zip: { int: 8001 } },
    stops: [{ town: 'Basel', zip: null }], alt: { Place: { town: 'Bern', zip: null } },
    priority: 3, carrier: 'post' },
  { id: -1, weight: -0.125, fragile: false, count: 2147483647, note: null, status: 'LOST',
    tags: [], dims: {}, raw: 'A', code: bytesText([0x10, 0x20, 0x7f]),
    origin: { town: '', zip: null }, stops: [], alt: null, priority: 3, carrier: 'post' },
];

function writeSchema(name, schema) {
  const file = path.join(TMP, name);
  fs.writeFileSync(file, JSON.stringify(schema));
  return file;
}

// Runs framed_avro; returns its stdout lines.
function tool(args) {
  const out = execFileSync(TOOL, args, { env: { ...process.env, STRATA_REGISTRY_URL: URL },
                                         encoding: 'utf8' });
  return out.split('\n').filter((l) => l.length > 0);
}

const framed = [];
let shipmentId = 0;

async function npmSerializesStrataDecodes() {
  const topic = 'serde-js';
  shipmentId = await client().register(`${topic}-value`,
                                       { schemaType: 'AVRO', schema: JSON.stringify(SHIPMENT) });
  const ser = new AvroSerializer(client(), SerdeType.VALUE,
                                 { autoRegisterSchemas: false, useLatestVersion: true });
  for (const msg of MESSAGES) {
    const bytes = await ser.serialize(topic, msg);
    check(wireId(bytes) === shipmentId, `the npm serializer framed id ${shipmentId}`);
    framed.push(bytes);
  }
  const hex = framed.map((b) => b.toString('hex'));

  // with the writer schema
  let lines = tool(['decode', ...hex]);
  check(lines.length === MESSAGES.length, `one line per message (${lines.length})`);
  lines.forEach((line, i) => {
    const got = JSON.parse(line);
    check(got.id === shipmentId, `message ${i}: id ${got.id}`);
    check(deepEqual(got.value, EXPECTED_WRITER[i]),
          `message ${i} decoded with the writer schema: ${line}`);
  });

  // with the evolved reader schema
  lines = tool(['decode', '--reader', writeSchema('shipment-v2.avsc', SHIPMENT_V2), ...hex]);
  check(lines.length === MESSAGES.length, `one line per message (${lines.length})`);
  lines.forEach((line, i) => {
    const got = JSON.parse(line);
    check(deepEqual(got.value, EXPECTED_READER[i]),
          `message ${i} decoded with the reader schema: ${line}`);
  });

  // what is not a framed message, and an id the registry does not know
  lines = tool(['decode', '7b7d', '00000f423f02']);
  const notFramed = JSON.parse(lines[0]);
  check(notFramed.error === 'WIRE_FORMAT', `"{}" is not framed: ${lines[0]}`);
  const unknown = JSON.parse(lines[1]);
  check(unknown.error === 'SCHEMA_NOT_FOUND', `id 999999 is unknown: ${lines[1]}`);
}

async function consumerExample() {
  check(framed.length > 0, 'the npm serializer produced messages');
  const out = execFileSync(CONSUMER, [URL], { input: framed[0], encoding: 'utf8' });
  const m = /^schema (\d+): (.*)\n$/s.exec(out);
  check(m !== null, `the consumer example prints "schema N: JSON" (${out})`);
  if (m) {
    check(Number(m[1]) === shipmentId, `the consumer example names id ${shipmentId}`);
    check(deepEqual(JSON.parse(m[2]), EXPECTED_WRITER[0]), `the consumer example's value: ${m[2]}`);
  }
}

async function strataSerializesNpmDecodes() {
  const topic = 'serde-js-rev';
  const values = EXPECTED_WRITER.map((v) => JSON.stringify(v));
  const lines = tool(['encode', `${topic}-value`, writeSchema('shipment.avsc', SHIPMENT),
                      ...values]);
  check(lines.length === values.length, `one framed message per value (${lines.length})`);
  const latest = await client().getLatestSchemaMetadata(`${topic}-value`);
  const de = new AvroDeserializer(client(), SerdeType.VALUE, {});
  for (let i = 0; i < lines.length; i++) {
    const bytes = Buffer.from(lines[i], 'hex');
    check(wireId(bytes) === latest.id, `our serializer framed the registered id ${latest.id}`);
    const back = await de.deserialize(topic, bytes);
    check(deepEqual(back, MESSAGES[i]),
          `the npm deserializer reads our message ${i}: ${JSON.stringify(back)}`);
  }
  // the same value framed by both sides is the same bytes
  check(lines[0] === framed[0].toString('hex').replace(/^00[0-9a-f]{8}/,
                                                         lines[0].slice(0, 10)),
        'our payload equals the npm serializer\'s payload for the same value');
}

runSections(`libstrata-client Avro serde and @confluentinc/schemaregistry ${version} ` +
            `against ${URL}`, [
  ['npm-serializes-strata-decodes', npmSerializesStrataDecodes],
  ['consumer-example', consumerExample],
  ['strata-serializes-npm-decodes', strataSerializesNpmDecodes],
]);
