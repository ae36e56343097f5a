using IronRuntime.Pii;

namespace IronRuntime.Tests.Pii;

/// <summary>
/// An SSN label followed by an opening bracket before nine bare digits (<c>SSN (578611004)</c>, <c>ssn(578611004)</c>)
/// counts as the label, as <c>SSN: 578611004</c> and <c>SSN 578611004</c> do: the SSN is reported at the default
/// threshold (0.35 + 0.35 = 0.7 ≥ 0.5). Nine digits in brackets without an SSN label (order numbers) are not. 578611004
/// is within the SSA's ranges (area 578, group 61, serial 1004); expected outputs are written by hand and checked on the
/// whole text, one byte at a time and cut in two at every byte.
/// </summary>
public sealed class PiiSsnBracketLabelTests
{
    [TestCase("SSN (578611004)", "SSN ([SSN])", TestName = "Label, space, parenthesis")]
    [TestCase("ssn(578611004)", "ssn([SSN])", TestName = "Label glued to a parenthesis")]
    [TestCase("SSN: (578611004) on file", "SSN: ([SSN]) on file", TestName = "Label, colon, parenthesis")]
    [TestCase("SSN [578611004]", "SSN [[SSN]]", TestName = "Label, square bracket")]
    [TestCase("Social Security Number (219099999).", "Social Security Number ([SSN]).", TestName = "Long label, parenthesis")]
    [TestCase("社会安全号码（536221000）", "社会安全号码（[SSN]）", TestName = "Chinese label, full-width parenthesis")]
    [TestCase("SSN: (578-61-1004)", "SSN: ([SSN])", TestName = "Label, parenthesis, 3-2-4 (found before too)")]
    [TestCase("SSN : (578611004)", "SSN : ([SSN])", TestName = "Four separators: three and the bracket")]
    public void Redact_SsnLabelThenOpeningBracket_SsnReplaced(string text, string expected) => PiiTestEngine.AssertWholeAndEverySplitRedactTo(text, expected);

    [TestCase("SSN (578611004)", "578611004")]
    [TestCase("ssn(578611004)", "578611004")]
    public void Find_SsnLabelThenOpeningBracket_LabelledConfidence(string text, string value)
        => Assert.That(PiiScanner.Create().Find(text).Single(), Is.EqualTo(new PiiFinding(text.IndexOf(value, StringComparison.Ordinal), 9, PiiEntityTypes.Ssn, 0.7)));

    /// <summary>Nine digits in brackets stay when no SSN label stands right before the bracket, or when they are no SSN.</summary>
    [TestCase("order (578611004)", TestName = "Order number in parentheses")]
    [TestCase("(578611004)", TestName = "Parentheses alone")]
    [TestCase("ref [578611004]", TestName = "Reference in square brackets")]
    [TestCase("SSN for (578611004)", TestName = "A word between the label and the bracket")]
    [TestCase("SSN ((578611004))", TestName = "Two brackets")]
    [TestCase("SSN (666123456)", TestName = "Area 666, never issued")]
    [TestCase("SSN (5786110041)", TestName = "Ten digits")]
    [TestCase("assn (578611004)", TestName = "Label glued to a word before it")]
    [TestCase("SSN  : (578611004)", TestName = "Five separators: four and the bracket")]
    [TestCase("SSN ( 578611004)", TestName = "Bracket not right before the digits")]
    public void Redact_BracketedDigitsWithoutSsnLabel_Unchanged(string text) => PiiTestEngine.AssertWholeAndEverySplitRedactTo(text, text);
}
