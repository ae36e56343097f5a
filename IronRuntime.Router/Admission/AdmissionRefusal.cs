namespace IronRuntime.Router.Admission;

/// <summary>Which concurrency limit refused a call.</summary>
/// <param name="PerCaller">True: the caller's own limit; false: the router's global one.</param>
/// <param name="Limit">The limit's value.</param>
internal readonly record struct AdmissionRefusal(bool PerCaller, int Limit);
