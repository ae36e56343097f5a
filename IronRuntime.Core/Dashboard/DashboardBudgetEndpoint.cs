using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IronRuntime.Dashboard;

/// <summary>
/// <c>POST {prefix}/budget</c> with <c>{"agentId": null | "id", "limit": 5.0 | null}</c>: sets (or clears) the
/// global or an agent's budget while the runtime runs. State-changing: the request header, a trusted origin, and not
/// <see cref="IronRuntimeDashboardOptions.ReadOnly"/>.
/// </summary>
internal static class DashboardBudgetEndpoint
{
    /// <summary>The largest limit accepted, in USD.</summary>
    public const decimal MaxLimit = 1_000_000_000m;

    private const int MaxBodyBytes = 4096;

    public static void Map(RouteGroupBuilder group, DashboardGuard guard)
    {
        group.MapPost("/budget", async (HttpContext context, AgentRuntime runtime) =>
        {
            if (guard.Check(context, stateChanging: true) is { } refused)
            {
                return refused;
            }

            // Read at most MaxBodyBytes + 1 whatever Content-Length says (or a chunked body does not say).
            var buffer = new byte[MaxBodyBytes + 1];
            int length = 0;
            int read;
            while (length < buffer.Length && (read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            if (length > MaxBodyBytes)
            {
                return BadRequest($"The body is larger than {MaxBodyBytes} bytes.");
            }

            string? agentId;
            decimal? limit;
            try
            {
                using var body = JsonDocument.Parse(buffer.AsMemory(0, length), new JsonDocumentOptions { AllowDuplicateProperties = false });
                var root = body.RootElement;
                if (root.ValueKind != JsonValueKind.Object
                    || !root.TryGetProperty("limit"u8, out var limitElement)
                    || limitElement.ValueKind is not (JsonValueKind.Number or JsonValueKind.Null))
                {
                    return BadRequest("Send {\"agentId\": null or an agent id, \"limit\": a number of USD or null}.");
                }

                agentId = root.TryGetProperty("agentId"u8, out var agentElement) && agentElement.ValueKind == JsonValueKind.String
                    ? agentElement.GetString()
                    : null;
                if (agentElement.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String) || agentId is { Length: 0 or > 256 })
                {
                    return BadRequest("'agentId' must be null (the global budget) or an agent id of 1 to 256 characters.");
                }

                limit = limitElement.ValueKind == JsonValueKind.Null ? null : limitElement.TryGetDecimal(out decimal l) ? l : -1m;
            }
            catch (JsonException)
            {
                return BadRequest("The body is not JSON.");
            }

            if (limit is < 0m or > MaxLimit)
            {
                return BadRequest($"'limit' must be from 0 to {MaxLimit} USD, or null for none.");
            }

            runtime.SetBudget(agentId, limit);
            var budget = runtime.GetBudget(agentId);
            return Results.Json(new { agentId, budget.Limit, budget.Spent, budget.Reserved, budget.Remaining });
        });
    }

    private static IResult BadRequest(string message) => Results.Json(new { error = message }, statusCode: StatusCodes.Status400BadRequest);
}
