# Usage: python3 old-protocol.py HOST:PORT TOPIC COUNT
# kafka-python 2.0.2 (Debian's python3-kafka) against a broker: the version probe it opens every
# connection with (which sends Metadata v0), Metadata v0 for TOPIC and for all topics, then COUNT
# records produced with acks=all and read back by a consumer group. Prints one JSON line; exit 0 on success.
import json
import sys

from kafka import KafkaClient, KafkaConsumer, KafkaProducer
from kafka.protocol.metadata import MetadataRequest


def metadata_v0(client, node, topics):
    future = client.send(node, MetadataRequest[0](topics=topics))
    client.poll(future=future, timeout_ms=10000)
    if not future.succeeded():
        raise RuntimeError(f"Metadata v0 {topics} failed: {future.exception!r}")
    response = future.value
    return {
        "brokers": [[b[0], b[1], b[2]] for b in response.brokers],
        "topics": {t[1]: {"error": t[0], "partitions": len(t[2])} for t in response.topics},
    }


def main():
    bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    result = {}

    client = KafkaClient(bootstrap_servers=bootstrap, api_version_auto_timeout_ms=10000)
    result["api_version"] = ".".join(str(v) for v in client.check_version(timeout=10))
    node = client.least_loaded_node()
    client.poll(future=client.cluster.request_update(), timeout_ms=10000)
    while not client.ready(node):
        client.poll(timeout_ms=100)
    # TOPIC first: v0 has no allow_auto_topic_creation and auto-creates it; then the empty array
    # (v0's "all topics") must list it.
    result["one_topic_v0"] = metadata_v0(client, node, [topic])
    result["all_topics_v0"] = metadata_v0(client, node, [])
    client.close()

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", max_block_ms=20000)
    for i in range(count):
        producer.send(topic, key=b"k%d" % (i % 5), value=b"v%d" % i)
    producer.flush(timeout=30)
    producer.close()

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id="kafka-python-" + topic,
                             auto_offset_reset="earliest", consumer_timeout_ms=15000)
    values = []
    for message in consumer:
        values.append(message.value.decode())
        if len(values) == count:
            break
    consumer.close()
    result["consumed"] = len(values)
    result["all_consumed_once"] = sorted(values) == sorted("v%d" % i for i in range(count))
    print(json.dumps(result, sort_keys=True, separators=(",", ":")))


main()
