using System.Text;
using IronRuntime.Pii.Internal;

namespace IronRuntime.Tests.Pii;

/// <summary>Asks one detector directly: its answer at a trigger, or its tail hold, for a text (and the context before it).</summary>
internal static class PiiDetectorProbe
{
    /// <summary>The detector's answer at the first <paramref name="triggerChar"/> at or after <paramref name="from"/>.</summary>
    public static PiiCandidate Match(PiiDetector detector, string text, bool isFinal, char triggerChar, int floor = 0, int from = 0, string before = "")
    {
        int trigger = text.IndexOf(triggerChar, from);
        Assert.That(trigger, Is.GreaterThanOrEqualTo(0), "the text holds the trigger");
        return detector.Match(new ScanInput(Encoding.ASCII.GetBytes(text), Encoding.ASCII.GetBytes(before), isFinal), floor, trigger);
    }

    public static int TailHold(PiiDetector detector, string text, int floor = 0)
        => detector.TailHold(new ScanInput(Encoding.ASCII.GetBytes(text), default, false), floor);
}
