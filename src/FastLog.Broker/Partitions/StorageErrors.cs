using FastLog.Core;
using FastLog.Protocol;
using FastLog.Records;
using FastLog.Storage;

namespace FastLog.Broker.Partitions;

/// <summary>Maps storage failures to the Kafka error a client gets for them.</summary>
public static class StorageErrors
{
    public static ErrorCode ToErrorCode(Exception error) => error switch
    {
        InvalidRecordBatchException invalid => invalid.Error.Kind() switch
        {
            RecordBatchErrorKind.CorruptMessage => ErrorCode.CorruptMessage,
            RecordBatchErrorKind.InvalidTimestamp => ErrorCode.InvalidTimestamp,
            RecordBatchErrorKind.MessageTooLarge => ErrorCode.MessageTooLarge,
            _ => ErrorCode.InvalidRecord,
        },
        LogOffsetOutOfRangeException => ErrorCode.OffsetOutOfRange,
        // Disk full, I/O errors and a faulted partition: the client may retry; nothing stored was lost.
        NativeIOException or PartitionFaultedException or IOException => ErrorCode.KafkaStorageError,
        ObjectDisposedException => ErrorCode.NotLeaderOrFollower,
        _ => ErrorCode.UnknownServerError,
    };
}
