namespace FastLog.Metadata.Controller;

/// <summary>The elections ElectLeaders asks for (KIP-460), with Kafka's wire values.</summary>
public enum ElectionType : sbyte
{
    /// <summary>The first replica leads, if it is a live ISR member.</summary>
    Preferred = 0,

    /// <summary>A partition without a live ISR leader gets one: from the ISR if it can, else the first live replica, out of sync or not.</summary>
    Unclean = 1,
}
