namespace FastLog.Core.Tests;

public sealed class DurableFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("fastlog-durablefile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ReplaceAtomically_CreatesThenReplaces_AndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_directory, "state");

        DurableFile.ReplaceAtomically(path, "first"u8);
        DurableFile.ReplaceAtomically(path, "second, longer"u8);

        Assert.Equal("second, longer"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }
}
