using System.Buffers;
using System.Text;
using IronRuntime.Pii;
using IronRuntime.Router;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// The streaming scanner's own duties, apart from what the detectors find: where values land after the first window of
/// a long piece and in later pieces (output and audit positions), the hold-back cap's edge, a blocked stream staying
/// blocked, what it logs, and an engine (replaceable through DI) whose answers are out of range.
/// </summary>
public sealed class PiiTextScannerTests
{
    // 45 bytes of prose with no value in it.
    private const string Filler = "The quarterly report is attached for review. ";

    [Test]
    public void Scan_NullOutput_Throws()
    {
        using var scanner = PiiTestEngine.NewScanner();
        Assert.That(() => scanner.Scan("text"u8, isFinal: true, null!), Throws.ArgumentNullException);
    }

    [Test]
    public void Scan_CleanTextNothingHeld_UnchangedAndNothingWritten()
    {
        using var scanner = PiiTestEngine.NewScanner();
        var output = new ArrayBufferWriter<byte>();
        Assert.That(scanner.Scan("The weather is fine today.\n"u8, isFinal: true, output), Is.EqualTo(LlmTextScanStatus.Unchanged));
        Assert.That(output.WrittenCount, Is.Zero, "an unchanged piece is passed on by the caller, not copied");
    }

    [Test]
    public void LongPiece_ValuesPastTheFirstWindow_RedactedAndFoundWhereTheyAre()
    {
        // With the smallest cap, 256 bytes, the engine sees windows of at most 257 bytes: every value sits past the first.
        string filler = string.Concat(Enumerable.Repeat(Filler, 6)); // 270 bytes
        string text = filler + "Reach me at a@example.com " + filler + "or b@example.org " + filler + "call 415-555-0132 today.";
        IPiiScanner pii = PiiScanner.Create(new PiiOptions { MaxHoldBackBytes = 256 });

        string expected = filler + "Reach me at [EMAIL] " + filler + "or [EMAIL] " + filler + "call [PHONE] today.";
        Assert.That(pii.Redact(text), Is.EqualTo(expected));
        Assert.That(PiiTestEngine.RedactStreamedBytes(Encoding.UTF8.GetBytes(text).Chunk(7), maxHold: 256), Is.EqualTo(expected), "in 7-byte pieces");

        // Counted by hand: 270 + "Reach me at ".Length (12); then + 14 + 270 + "or ".Length (3); then + 14 + 270 + "call ".Length (5).
        Assert.That(pii.Find(text).Select(f => (f.Index, f.Length, f.EntityType)), Is.EqualTo(new[]
        {
            (282, 13, PiiEntityTypes.Email),
            (569, 13, PiiEntityTypes.Email),
            (858, 12, PiiEntityTypes.Phone),
        }));
    }

    [TestCase(-1)]
    [TestCase(0)]
    [TestCase(255)]
    public void Create_HoldBackCapOutOfRange_RefusedWithTheRule(int cap)
    {
        // A negative cap made every window empty: the scanner looped forever on the first byte no value continues ("!").
        Assert.That(() => PiiScanner.Create(new PiiOptions { MaxHoldBackBytes = cap }),
            Throws.ArgumentException.With.Message.Contains("MaxHoldBackBytes must be between 256 and 16777216"));
    }

    [Test]
    public async Task Audit_ValuesInLaterPieces_PositionsCountEveryEarlierByte()
    {
        await using var pii = PiiContainer.Create(_ => { });
        string[] pieces = ["Hello there, ", "write to a@example.com or ", "b@example.org today."];
        using (ILlmTextScanner scanner = pii.Scanner.CreateStreamingScanner(LlmContentDirection.Response, "agent-1"))
        {
            Assert.That(PiiTestEngine.Stream(scanner, pieces), Is.EqualTo("Hello there, write to [EMAIL] or [EMAIL] today."));
        }

        // By hand: 13 bytes of the first piece + "write to ".Length (9); 13 + the second piece's 26 bytes.
        Assert.That(pii.Audit.Events.Select(e => (e.EntityType, e.Position)), Is.EqualTo(new[]
        {
            (PiiEntityTypes.Email, 22L),
            (PiiEntityTypes.Email, 39L),
        }));
    }

    [Test]
    public void Block_LaterPieces_StayBlockedAndWriteNothing()
    {
        using var scanner = PiiTestEngine.NewScanner(mode: PiiMode.Block);
        var output = new ArrayBufferWriter<byte>();
        Assert.That(scanner.Scan("SSN 123-45-6789 and then"u8, isFinal: false, output), Is.EqualTo(LlmTextScanStatus.Blocked));
        Assert.That(scanner.Scan(" some harmless words "u8, isFinal: false, output), Is.EqualTo(LlmTextScanStatus.Blocked));
        Assert.That(scanner.Scan([], isFinal: true, output), Is.EqualTo(LlmTextScanStatus.Blocked));
        Assert.That(output.WrittenCount, Is.Zero);
        Assert.That(scanner.BlockedEntityTypes, Is.EqualTo(new[] { PiiEntityTypes.Ssn }));
    }

    [Test]
    public async Task Block_LogsEveryTypeFoundOnce()
    {
        await using var pii = PiiContainer.Create(p => p.RequestMode = PiiMode.Block);
        using (ILlmTextScanner scanner = pii.Scanner.CreateStreamingScanner(LlmContentDirection.Request, "agent-3"))
        {
            var status = scanner.Scan("SSN 123-45-6789, mail a@example.com, or c@example.com."u8, isFinal: true, new ArrayBufferWriter<byte>());
            Assert.That(status, Is.EqualTo(LlmTextScanStatus.Blocked));
        }

        var warnings = pii.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToList();
        Assert.That(warnings, Is.EqualTo(new[] { "The Request of agent agent-3 was blocked: it contains SSN, EMAIL." }));
    }

    [Test]
    public void HoldBack_ExactlyTheCap_HeldThenReleasedUnchanged()
    {
        var engine = new ScriptedEngine((text, isFinal, _) => new PiiScanResult(isFinal ? text.Length : 0, PiiEntityTypes.Jwt));
        using var scanner = PiiTestEngine.NewScanner(engine, maxHold: 16);
        var output = new ArrayBufferWriter<byte>();
        scanner.Scan("abcdefghijklmnop"u8, isFinal: false, output);
        Assert.That((output.WrittenCount, scanner.HeldBytes), Is.EqualTo((0, 16)), "16 undecided bytes are within a 16-byte cap");

        PiiTestEngine.Feed(scanner, [], true, output);
        Assert.That(Encoding.UTF8.GetString(output.WrittenSpan), Is.EqualTo("abcdefghijklmnop"));
    }

    [Test]
    public async Task HoldBack_OneByteOverTheCap_RedactedFromItsStartAndLogged()
    {
        var engine = new ScriptedEngine((text, isFinal, _) => new PiiScanResult(isFinal ? text.Length : 0, PiiEntityTypes.Jwt));
        await using var pii = PiiContainer.Create(p => p.MaxHoldBackBytes = 256, engine);
        using (ILlmTextScanner scanner = pii.Scanner.CreateStreamingScanner(LlmContentDirection.Response, "agent-9"))
        {
            // 257 undecided bytes (the smallest cap is 256): redacted as the pending type; what still continues it (the
            // next piece's letters) is dropped up to the space.
            Assert.That(PiiTestEngine.Stream(scanner, [new string('a', 257), "rst end"]), Is.EqualTo("[JWT] end"));
        }

        var warnings = pii.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToList();
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "A held-back run of 257 bytes in the Response of agent agent-9 reached the hold-back cap and was redacted as JWT.",
        }));
    }

    [TestCase('a', "ok [JWT] end", TestName = "Run the pending grammar continues: dropped to the space")]
    [TestCase('!', "ok [JWT]" + "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" + " end", TestName = "Run it does not continue: exactly the cap's 257 bytes")]
    public async Task HoldBack_OverTheCapAfterASettledPrefix_RedactedFromWhereItStarted(char fill, string expected)
    {
        // The engine settles through the last space of each window; everything after it is pending, as a JWT.
        var engine = new ScriptedEngine((text, isFinal, _) => new PiiScanResult(isFinal ? text.Length : text.LastIndexOf((byte)' ') + 1, PiiEntityTypes.Jwt));
        await using var pii = PiiContainer.Create(p => p.MaxHoldBackBytes = 256, engine);
        using (ILlmTextScanner scanner = pii.Scanner.CreateStreamingScanner(LlmContentDirection.Response, "agent-9"))
        {
            // "ok " settles; the 300 bytes after it outgrow the cap in the window [3, 260).
            Assert.That(PiiTestEngine.Stream(scanner, ["ok " + new string(fill, 300) + " end"]), Is.EqualTo(expected));
        }

        var warnings = pii.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToList();
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "A held-back run of 257 bytes in the Response of agent agent-9 reached the hold-back cap and was redacted as JWT.",
        }));
    }

    [Test]
    public void SwappedEngine_NeverSettlesFinalText_EverythingStillReleased()
    {
        var engine = new ScriptedEngine((_, _, _) => new PiiScanResult(0, null));
        Assert.That(PiiTestEngine.RedactStreamedBytes([Encoding.UTF8.GetBytes("last words")], engine, maxHold: 64), Is.EqualTo("last words"));
    }

    [Test]
    public void SwappedEngine_SettlesMoreThanItWasGiven_ClampedToTheWindow()
    {
        var engine = new ScriptedEngine((_, _, _) => new PiiScanResult(int.MaxValue, null));
        using var scanner = PiiTestEngine.NewScanner(engine, maxHold: 8);
        var output = new ArrayBufferWriter<byte>();
        Assert.That(scanner.Scan(Encoding.UTF8.GetBytes(Filler), isFinal: false, output), Is.EqualTo(LlmTextScanStatus.Unchanged));
        Assert.That(scanner.HeldBytes, Is.Zero);
    }

    [Test]
    public void SwappedEngine_MatchBeforeItsTextOrPastWhatItSettled_Ignored()
    {
        // Each window: "settled 2 bytes", and a value from byte 2 to the window's end (undecided, so not yet a value),
        // and one starting before the window. Final text: settled, nothing found.
        var engine = new ScriptedEngine((text, isFinal, matches) =>
        {
            if (!isFinal && text.Length > 2)
            {
                matches.Add(new PiiMatch(2, text.Length - 2, "UNSETTLED"));
                matches.Add(new PiiMatch(-3, 2, "BEFORE"));
            }

            return new PiiScanResult(isFinal ? text.Length : Math.Min(2, text.Length), null);
        });

        byte[] text = Encoding.UTF8.GetBytes("twenty bytes of text");
        Assert.That(PiiTestEngine.RedactStreamedBytes([text], engine, maxHold: 8), Is.EqualTo("twenty bytes of text"));
    }

    [Test]
    public void Scan_HeldText_ItsPooledBuffersGoBack()
    {
        // Every piece leaves its last byte undecided, so each scan joins the held byte with the new piece in a buffer
        // from the shared pool; measured on this thread only, so other tests cannot add to it.
        var engine = new ScriptedEngine((text, isFinal, _) => new PiiScanResult(isFinal ? text.Length : text.Length - 1, null));
        using var scanner = PiiTestEngine.NewScanner(engine, maxHold: 256);
        var output = new ArrayBufferWriter<byte>(4096);
        byte[] piece = Encoding.UTF8.GetBytes(Filler + Filler);
        for (int i = 0; i < 10; i++)
        {
            scanner.Scan(piece, isFinal: false, output);
            output.ResetWrittenCount();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            scanner.Scan(piece, isFinal: false, output);
            output.ResetWrittenCount();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.LessThan(16 * 1024), "a buffer not given back costs at least 128 bytes a scan (128 KB over 1000)");
    }

    [Test]
    public void Dispose_HeldBytes_WipedBeforeTheirBufferGoesBack()
    {
        // The unsettled tail may be the start of a key. The pool hands the most recently returned array of a size to
        // the next Rent on the same thread.
        var scanner = PiiTestEngine.NewScanner();
        scanner.Scan("token sk-proj-"u8, isFinal: false, new ArrayBufferWriter<byte>());
        Assert.That(scanner.HeldBytes, Is.GreaterThan(0), "the key prefix is held");
        scanner.Dispose();

        AssertNextRentHoldsNoKey(64, "the held bytes' buffer");
    }

    [Test]
    public void Scan_HeldBytesJoinedOrMoved_TheirOldBuffersWiped()
    {
        using var scanner = PiiTestEngine.NewScanner();
        var output = new ArrayBufferWriter<byte>();
        scanner.Scan("token sk-proj-"u8, isFinal: false, output);
        int held = scanner.HeldBytes;
        Assert.That(held, Is.GreaterThan(0), "the key prefix is held");

        scanner.Scan("abc"u8, isFinal: false, output); // joined with the held bytes in a pooled buffer of held + 3
        AssertNextRentHoldsNoKey(held + 3, "the joining buffer");

        held = scanner.HeldBytes;
        byte[] more = Encoding.UTF8.GetBytes(new string('A', 100));
        scanner.Scan(more, isFinal: false, output); // the key goes on: the held bytes outgrow their 64-byte buffer
        Assert.That(scanner.HeldBytes, Is.GreaterThan(64));
        AssertNextRentHoldsNoKey(held + more.Length, "the joining buffer");
        AssertNextRentHoldsNoKey(64, "the held bytes' old buffer");
    }

    private static void AssertNextRentHoldsNoKey(int size, string what)
    {
        byte[] next = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            Assert.That(next.AsSpan().IndexOf("sk-proj"u8), Is.EqualTo(-1), what);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    /// <summary>An engine answering from a script, as a replaced <see cref="IPiiEngine"/> could.</summary>
    private sealed class ScriptedEngine(ScriptedEngine.Answer answer) : IPiiEngine
    {
        public delegate PiiScanResult Answer(ReadOnlySpan<byte> text, bool isFinal, List<PiiMatch> matches);

        public PiiScanResult Scan(ReadOnlySpan<byte> text, ReadOnlySpan<byte> preceding, bool isFinal, List<PiiMatch> matches)
            => answer(text, isFinal, matches);
    }

    /// <summary>The PII services from a real container, with captured logs and audit events.</summary>
    private sealed class PiiContainer : IAsyncDisposable
    {
        private readonly ServiceProvider _provider;

        private PiiContainer(ServiceProvider provider, FakeLogCollector logs, RecordingAuditSink audit)
        {
            _provider = provider;
            Logs = logs;
            Audit = audit;
        }

        public FakeLogCollector Logs { get; }

        public RecordingAuditSink Audit { get; }

        public IPiiScanner Scanner => _provider.GetRequiredService<IPiiScanner>();

        public static PiiContainer Create(Action<PiiOptions> configure, IPiiEngine? engine = null)
        {
            var logs = new FakeLogCollector();
            var audit = new RecordingAuditSink();
            var services = new ServiceCollection();
            services.AddLogging(l => l.AddProvider(new FakeLoggerProvider(logs)));
            services.AddSingleton<IPiiAuditSink>(audit);
            if (engine is not null)
            {
                services.AddSingleton(engine);
            }

            services.AddIronRuntime(b => b.WithPii(configure));
            return new PiiContainer(services.BuildServiceProvider(), logs, audit);
        }

        public ValueTask DisposeAsync() => _provider.DisposeAsync();
    }
}
