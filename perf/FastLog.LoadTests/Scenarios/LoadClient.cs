namespace FastLog.LoadTests.Scenarios;

/// <summary>Which client library the scenario's producers and consumers use.</summary>
internal enum LoadClient
{
    /// <summary>Confluent.Kafka (librdkafka): what applications run; record-at-a-time API, its own threads and queues.</summary>
    Confluent,

    /// <summary>
    /// FastLog's own minimal Kafka client (<see cref="Wire.WireProducerWorker"/>,
    /// <see cref="Wire.WireConsumerWorker"/>): pre-built batches sent as they are, responses counted
    /// batch by batch. It spends a fraction of librdkafka's CPU per byte, so on a machine whose cores
    /// the clients share with the broker it measures how far the broker itself goes.
    /// </summary>
    Wire,
}
