// Usage: node produce-consume.js HOST:PORT TOPIC COUNT
// Produces COUNT keyed records with kafkajs, reads them back with a kafkajs consumer group,
// and prints one JSON line: {"produced":N,"consumed":N,"inOrder":true|false}. Exit code 0 on success.
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const [broker, topic, countText] = process.argv.slice(2);
  const count = Number(countText);
  const kafka = new Kafka({ clientId: 'fastlog-kafkajs', brokers: [broker], logLevel: logLevel.WARN });

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const batch = [];
  for (let i = 0; i < count; i++) {
    batch.push({ key: `k${i % 7}`, value: `v${i}`, headers: { n: String(i) } });
  }
  for (let i = 0; i < batch.length; i += 100) {
    await producer.send({ topic, acks: -1, messages: batch.slice(i, i + 100) });
  }
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `kafkajs-${topic}`, sessionTimeout: 10000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = new Map();
  let consumed = 0;
  let inOrder = true;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${consumed} records`)), 60000);
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        const n = Number(message.headers.n.toString());
        const last = seen.has(partition) ? seen.get(partition) : -1;
        if (n <= last || message.value.toString() !== `v${n}`) inOrder = false;
        seen.set(partition, n);
        consumed++;
        if (consumed === count) { clearTimeout(timer); resolve(); }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  console.log(JSON.stringify({ produced: count, consumed, inOrder }));
}

main().catch((e) => { console.error(e); process.exit(1); });
