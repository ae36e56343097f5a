using System.Buffers;

namespace IronRuntime.Router.Translation;

/// <summary>Turns the events of one provider's stream into the events of the other's, one by one.</summary>
internal interface ISseTranslator
{
    /// <summary>Translates one complete event, writing zero or more complete output events.</summary>
    /// <param name="eventName">The <c>event:</c> field, or empty.</param>
    /// <param name="data">The event's data.</param>
    /// <param name="output">Where the translated events go.</param>
    void Translate(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output);
}
