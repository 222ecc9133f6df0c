using Confluent.Kafka;

namespace FastLog.Broker.Tests;

public sealed class GroupSmokeTests
{
    [Fact]
    public async Task OneConsumer_SubscribesAndCommits()
    {
        await using var broker = await GroupClients.StartBrokerAsync();
        await GroupClients.ProduceAsync(broker, "smoke", 60);
        using var consumer = new ConsumerBuilder<string, string>(GroupClients.Consumer(broker, "smoke-group")).Build();
        consumer.Subscribe("smoke");
        var seen = 0;
        Assert.True(GroupClients.PollUntil([consumer], () => seen == 60, (c, r) => { seen++; c.Commit(r); }));
        Assert.Equal(6, consumer.Assignment.Count);
        consumer.Close();
    }
}
