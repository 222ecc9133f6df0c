namespace FastLog.Records;

/// <summary>
/// An append was refused because a batch failed validation; nothing of the request was
/// stored. The broker answers with the Kafka error of <see cref="RecordBatchErrorExtensions.Kind"/>.
/// </summary>
public sealed class InvalidRecordBatchException : Exception
{
    public InvalidRecordBatchException(RecordBatchValidation validation)
        : base(validation.ToString())
    {
        Validation = validation;
    }

    public RecordBatchValidation Validation { get; }

    public RecordBatchError Error => Validation.Error;
}
