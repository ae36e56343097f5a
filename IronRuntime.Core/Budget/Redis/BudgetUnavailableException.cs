namespace IronRuntime.Budget;

/// <summary>The shared ledger cannot be reached, so no reservation can be made: the gate refuses the call with 503.</summary>
internal sealed class BudgetUnavailableException : Exception
{
    public BudgetUnavailableException()
    {
    }

    public BudgetUnavailableException(string message)
        : base(message)
    {
    }

    public BudgetUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
