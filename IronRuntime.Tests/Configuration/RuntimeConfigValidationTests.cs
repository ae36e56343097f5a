using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IronRuntime.Tests.Configuration;

/// <summary>
/// Issue #11 item 5: every <c>[Range]</c> / <c>[Required]</c> in the options, nested ones included, is enforced when the
/// runtime resolves, reached the way a user sets it: an <c>IronRuntime</c> configuration section.
/// </summary>
public sealed class RuntimeConfigValidationTests
{
    /// <summary>
    /// Every annotated option as a configuration key with a value just outside its documented range (the XML docs and
    /// docs/*.md, not the attributes). Adding an attribute without a line here, or losing one, fails
    /// <see cref="AnnotatedMembers_AreExactlyTheHandWrittenOnes"/>.
    /// </summary>
    private static readonly (string Key, string Invalid)[] Rules =
    [
        ("IronRuntime:Budget", "-0.01"),
        ("IronRuntime:DefaultAgentBudget", "-1"),
        ("IronRuntime:UnboundedCostAllowance", "-0.5"),
        ("IronRuntime:DefaultMaxOutputTokens", "0"),
        ("IronRuntime:MinimumImposedOutputTokens", "0"),
        ("IronRuntime:Router:MaxRequestBodyBytes", "1023"),
        ("IronRuntime:Router:MaxResponseBodyBytes", "1023"),
        ("IronRuntime:Router:MaxStreamEventBytes", "0"),
        ("IronRuntime:Router:ImageTokenBound", "-1"),
        ("IronRuntime:Router:FileTokenBound", "-1"),
        ("IronRuntime:Router:MaxConcurrentCalls", "0"),
        ("IronRuntime:Router:MaxConcurrentCallsPerCaller", "0"),
        ("IronRuntime:Router:Proxy:Port", "65536"),
        ("IronRuntime:State:QueueCapacity", "0"),
        ("IronRuntime:Pii:MaxHoldBackBytes", "255"),
        ("IronRuntime:Pii:AuditCapacity", "0"),
        ("IronRuntime:Resilience:FailureRatio", "0"),
        ("IronRuntime:Resilience:MinimumThroughput", "1"),
        ("IronRuntime:Resilience:MaxRetryAttempts", "-1"),
    ];

    /// <summary>The other side of some ranges, and values just inside them.</summary>
    private static readonly (string Key, string Invalid)[] UpperBounds =
    [
        ("IronRuntime:Router:Proxy:Port", "-1"),
        ("IronRuntime:Pii:MaxHoldBackBytes", "16777217"),
        ("IronRuntime:Pii:AuditCapacity", "1000001"),
        ("IronRuntime:Resilience:FailureRatio", "1.01"),
        ("IronRuntime:Resilience:MaxRetryAttempts", "11"),
    ];

    private static IEnumerable<TestCaseData> InvalidValues()
        => Rules.Concat(UpperBounds).Select(r => new TestCaseData(r.Key, r.Invalid).SetArgDisplayNames(r.Key, r.Invalid));

    [Test]
    public void AnnotatedMembers_AreExactlyTheHandWrittenOnes()
    {
        var found = new List<string>();
        Collect(typeof(RuntimeConfig), RuntimeConfig.SectionName, found);

        Assert.That(found, Is.EquivalentTo(Rules.Select(r => r.Key)),
            "a [Range]/[Required] option without a validation test case here");
    }

    [TestCaseSource(nameof(InvalidValues))]
    public void OutOfRange_FailsAtResolveNamingTheMember(string key, string value)
    {
        using var sp = Build(key, value);

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<AgentRuntime>());

        string member = key[(RuntimeConfig.SectionName.Length + 1)..].Replace(':', '.');
        Assert.That(ex!.Message, Does.Contain(member));
    }

    [TestCase("IronRuntime:Budget", "0")]
    [TestCase("IronRuntime:Router:MaxStreamEventBytes", "1024")]
    [TestCase("IronRuntime:Router:Proxy:Port", "65535")]
    [TestCase("IronRuntime:Pii:MaxHoldBackBytes", "256")]
    [TestCase("IronRuntime:Pii:MaxHoldBackBytes", "16777216")]
    [TestCase("IronRuntime:Resilience:FailureRatio", "1")]
    [TestCase("IronRuntime:Resilience:MaxRetryAttempts", "10")]
    [TestCase("IronRuntime:State:QueueCapacity", "1")]
    public async Task Boundary_InsideTheRange_Resolves(string key, string value)
    {
        await using var sp = Build(key, value);

        Assert.That(() => sp.GetRequiredService<AgentRuntime>(), Throws.Nothing);
    }

    [Test]
    public void Host_ValidatesOnStart()
    {
        var services = new ServiceCollection();
        services.AddIronRuntime(Section("IronRuntime:Router:MaxStreamEventBytes", "0"));
        using var sp = services.BuildServiceProvider();

        var startup = sp.GetRequiredService<IStartupValidator>();

        Assert.That(startup.Validate, Throws.TypeOf<OptionsValidationException>().With.Message.Contain("Router.MaxStreamEventBytes"));
    }

    private static ServiceProvider Build(string key, string value)
    {
        var services = new ServiceCollection();
        services.AddIronRuntime(Section(key, value), static b => b.UseSimulatedProvider());
        return services.BuildServiceProvider();
    }

    private static IConfigurationSection Section(string key, string value)
        => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build()
            .GetSection(RuntimeConfig.SectionName);

    private static void Collect(Type type, string prefix, List<string> found)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            string key = prefix + ":" + property.Name;
            if (property.GetCustomAttributes<ValidationAttribute>().Any(a => a is System.ComponentModel.DataAnnotations.RangeAttribute or RequiredAttribute))
            {
                found.Add(key);
            }

            // Every nested options object of the runtime, marked or not: one whose rules are not reached fails above.
            if (property.PropertyType is { IsClass: true, Namespace: { } ns } && ns.StartsWith("IronRuntime", StringComparison.Ordinal))
            {
                Collect(property.PropertyType, key, found);
            }
        }
    }
}
