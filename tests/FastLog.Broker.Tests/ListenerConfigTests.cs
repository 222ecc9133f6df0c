using FastLog.Broker.Configuration;
using FastLog.Host.Configuration;
using FastLog.Testing;

namespace FastLog.Broker.Tests;

/// <summary>
/// listeners, advertised.listeners, listener.security.protocol.map and inter.broker.listener.name
/// as server.properties writes them, and Kafka's rules for them: each failure is one message
/// naming the setting to change.
/// </summary>
public sealed class ListenerConfigTests
{
    [Fact]
    public void SeveralNamedListeners_AreRead_WithKafkasNormalisedNames()
    {
        var options = Load(
            ("listeners", "internal://127.0.0.1:9092, EXTERNAL://0.0.0.0:9093,REPLICATION://[::1]:9094"),
            ("advertised.listeners", "EXTERNAL://broker1.example.com:19093"),
            ("listener.security.protocol.map", "INTERNAL:PLAINTEXT,external:plaintext,REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT"),
            ("inter.broker.listener.name", "replication"));

        options.Validate();
        Assert.Equal(
            [new ListenerAddress("INTERNAL", new HostPort("127.0.0.1", 9092)), new ListenerAddress("EXTERNAL", new HostPort("0.0.0.0", 9093)), new ListenerAddress("REPLICATION", new HostPort("::1", 9094))],
            options.Listeners);
        Assert.Equal("INTERNAL://127.0.0.1:9092,EXTERNAL://0.0.0.0:9093,REPLICATION://[::1]:9094", string.Join(",", options.Listeners));
        Assert.Equal(new HostPort("broker1.example.com", 19093), ListenerRules.AdvertisedAddress(options, options.Listeners[1], 9093));
        Assert.Equal(new HostPort("127.0.0.1", 9092), ListenerRules.AdvertisedAddress(options, options.Listeners[0], 9092));
        Assert.Equal("REPLICATION", ListenerRules.InterBrokerListener(options).Name);
    }

    [Fact]
    public void TheDefault_IsOnePlaintextListener_AndAnUnnamedEntryIsPlaintext()
    {
        var defaults = new BrokerOptions();
        defaults.Validate();
        Assert.Equal([new ListenerAddress("PLAINTEXT", new HostPort("127.0.0.1", 9092))], defaults.Listeners);
        Assert.Equal("PLAINTEXT", ListenerRules.InterBrokerListener(defaults).Name);
        Assert.Equal(new HostPort("127.0.0.1", 4321), ListenerRules.AdvertisedAddress(defaults, defaults.Listeners[0], 4321));

        var unnamed = Load(("listeners", "10.0.0.5:9092"), ("advertised.listeners", "broker.example:9092"));
        unnamed.Validate();
        Assert.Equal(new ListenerAddress("PLAINTEXT", new HostPort("10.0.0.5", 9092)), Assert.Single(unnamed.Listeners));
        Assert.Equal(new HostPort("broker.example", 9092), ListenerRules.AdvertisedAddress(unnamed, unnamed.Listeners[0], 9092));
    }

    [Fact]
    public void AnEmptyHost_BindsEveryInterface_AndAdvertisesThisMachinesName()
    {
        var options = Load(("listeners", "PLAINTEXT://:9092"));

        options.Validate();
        Assert.Equal(System.Net.IPAddress.Any, options.Listeners[0].ToBindEndPoint().Address);
        Assert.Equal(new HostPort(System.Net.Dns.GetHostName(), 9092), ListenerRules.AdvertisedAddress(options, options.Listeners[0], 9092));
    }

    [Theory]
    [InlineData("listeners", "INTERNAL://127.0.0.1", "'INTERNAL://127.0.0.1' is not NAME://HOST:PORT")]
    [InlineData("listeners", "INTERNAL://127.0.0.1:70000", "'INTERNAL://127.0.0.1:70000' is not NAME://HOST:PORT")]
    [InlineData("listeners", "IN TERNAL://127.0.0.1:9092", "a listener name is letters, digits")]
    [InlineData("listeners", ",", "no listener given")]
    [InlineData("advertised.listeners", "EXTERNAL://host:port", "is not NAME://HOST:PORT")]
    [InlineData("listener.security.protocol.map", "INTERNAL", "'INTERNAL' is not NAME:PROTOCOL")]
    [InlineData("listener.security.protocol.map", "INTERNAL:PLAINTEXT,internal:PLAINTEXT", "listener internal is mapped twice")]
    public void AMalformedValue_IsRefusedWhenRead(string key, string value, string expected)
    {
        var error = Assert.Throws<FormatException>(() => LoadFile($"{key}={value}"));

        Assert.Contains($": {key}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A://127.0.0.1:9092,a://127.0.0.1:9093", "", "", "listeners: the name A is used twice")]
    [InlineData("A://127.0.0.1:9092,B://127.0.0.1:9092", "", "", "listeners: A and B both use port 9092; each listener needs its own port")]
    [InlineData("A://127.0.0.1:9092", "B://host:9092", "", "advertised.listeners: B is not one of the listeners (A)")]
    [InlineData("A://127.0.0.1:9092", "A://one:9092,A://two:9092", "", "advertised.listeners: the name A is used twice")]
    [InlineData("A://127.0.0.1:9092", "A://host:0", "", "advertised.listeners: A://host:0 needs the port clients connect to, not 0")]
    [InlineData("A://0.0.0.0:9092", "A://0.0.0.0:9092", "", "advertised.listeners: A://0.0.0.0:9092 is not an address clients can reach")]
    [InlineData("A://0.0.0.0:9092", "", "", "listeners: A://0.0.0.0:9092 binds every interface, which clients cannot be sent to; add A://HOST:PORT to advertised.listeners")]
    [InlineData("A://127.0.0.1:9092", "", "B:PLAINTEXT", "listener.security.protocol.map has no entry for listener A (add A:PLAINTEXT)")]
    [InlineData("A://127.0.0.1:9092", "", "A:SSL", "listener.security.protocol.map: listener A uses SSL, but FastLog serves PLAINTEXT only for now")]
    [InlineData("SASL_SSL://127.0.0.1:9092", "", "", "listener.security.protocol.map: listener SASL_SSL uses SASL_SSL")]
    [InlineData("A://127.0.0.1:9092", "", "A:PLAINTEXT,B:TLS", "listener.security.protocol.map: B:TLS: the protocol is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL")]
    public void KafkasListenerRules_AreCheckedAtStart(string listeners, string advertised, string map, string expected)
    {
        var options = Load(("listeners", listeners), ("advertised.listeners", advertised), ("listener.security.protocol.map", map));

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheInterBrokerListener_MustBeAListener()
    {
        var options = Load(("listeners", "INTERNAL://127.0.0.1:9092"), ("listener.security.protocol.map", "INTERNAL:PLAINTEXT"), ("inter.broker.listener.name", "REPLICATION"));

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("inter.broker.listener.name: REPLICATION is not one of the listeners (INTERNAL)", error.Message);
    }

    [Fact]
    public async Task TheExecutable_RefusesAnSslListener_InOneLine()
    {
        var directory = Directory.CreateTempSubdirectory("fastlog-listeners-").FullName;
        try
        {
            var config = Path.Combine(directory, "server.properties");
            await File.WriteAllLinesAsync(config, ["listeners=CLIENTS://127.0.0.1:0,SECURE://127.0.0.1:0", "listener.security.protocol.map=CLIENTS:PLAINTEXT,SECURE:SSL"]);

            var (exitCode, output) = await FastlogExecutable.RunToExitAsync("serve", "--config", config, "--data-dir", Path.Combine(directory, "data"), "--metrics", "off");

            Assert.NotEqual(0, exitCode);
            Assert.Equal(
                "fastlog: listener.security.protocol.map: listener SECURE uses SSL, but FastLog serves PLAINTEXT only for now (map SECURE to PLAINTEXT)",
                output.Trim());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Applies settings as server.properties lines would; an empty value leaves the default.</summary>
    private static BrokerOptions Load(params (string Key, string Value)[] settings)
    {
        var options = new BrokerOptions();
        foreach (var (key, value) in settings.Where(s => s.Value.Length > 0))
        {
            Assert.True(BrokerOptionsLoader.Apply(options, key, value), key);
        }

        return options;
    }

    private static BrokerOptions LoadFile(string line)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, line + "\n");
            var options = new BrokerOptions();
            BrokerOptionsLoader.ApplyFile(options, path);
            return options;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
