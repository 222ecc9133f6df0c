namespace FastLog.Records;

/// <summary>Whose clock a RecordBatch's timestamps come from (Attributes bit 3).</summary>
public enum TimestampType
{
    /// <summary>The producer's: FirstTimestamp plus each record's delta.</summary>
    CreateTime = 0,

    /// <summary>The broker's, stamped on append: MaxTimestamp stands for every record.</summary>
    LogAppendTime = 1,
}
