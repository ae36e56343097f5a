using System.Globalization;
using IronRuntime.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace IronRuntime.Dashboard;

/// <summary>
/// <c>GET {prefix}/calls</c> (recorded calls, newest first, paged with a cursor; never content) and
/// <c>GET {prefix}/spend</c> (spend per minute, hour or day, per agent or model), read from the SQLite state store.
/// </summary>
internal static class DashboardHistoryEndpoints
{
    /// <summary>The most calls one page may hold.</summary>
    public const int MaxPageSize = 500;

    /// <summary>The most buckets one series may span.</summary>
    public const int MaxBuckets = 1500;

    private const int DefaultPageSize = 50;

    public static void Map(RouteGroupBuilder group, DashboardGuard guard)
    {
        group.MapGet("/calls", (HttpContext context, IRuntimeStateStore store, string? agent, string? model, string? from, string? to, string? cursor, string? limit) =>
        {
            if (guard.Check(context) is { } refused)
            {
                return refused;
            }

            if (store is not IRuntimeHistory history)
            {
                return NoHistory();
            }

            if (!TryTime(from, "from", out var fromTime, out var error) || !TryTime(to, "to", out var toTime, out error))
            {
                return error;
            }

            long? before = null;
            if (cursor is not null)
            {
                if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out long id) || id <= 0)
                {
                    return BadRequest("'cursor' must be the nextCursor of an earlier page.");
                }

                before = id;
            }

            int size = DefaultPageSize;
            if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
            {
                return BadRequest($"'limit' must be a whole number from 1 to {MaxPageSize}.");
            }

            var page = history.QueryCalls(new CallQuery(Empty(agent), Empty(model), fromTime, toTime, before, size));
            return Results.Json(new
            {
                calls = page.Calls.Select(c => new
                {
                    c.Id,
                    c.Timestamp,
                    c.AgentId,
                    c.Provider,
                    c.Model,
                    c.Outcome,
                    c.Status,
                    c.InputTokens,
                    c.OutputTokens,
                    c.Cost,
                    c.DurationMs,
                    c.Estimated,
                }),
                nextCursor = page.NextCursor?.ToString(CultureInfo.InvariantCulture),
            });
        });

        group.MapGet("/spend", (HttpContext context, IRuntimeStateStore store, TimeProvider time, string? by, string? bucket, string? from, string? to, string? agent, string? model) =>
        {
            if (guard.Check(context) is { } refused)
            {
                return refused;
            }

            if (store is not IRuntimeHistory history)
            {
                return NoHistory();
            }

            bool byModel;
            switch (by)
            {
                case null or "agent": byModel = false; break;
                case "model": byModel = true; break;
                default: return BadRequest("'by' must be 'agent' or 'model'.");
            }

            int seconds;
            switch (bucket)
            {
                case null or "minute": seconds = 60; break;
                case "hour": seconds = 3600; break;
                case "day": seconds = 86_400; break;
                default: return BadRequest("'bucket' must be 'minute', 'hour' or 'day'.");
            }

            if (!TryTime(from, "from", out var fromTime, out var error) || !TryTime(to, "to", out var toTime, out error))
            {
                return error;
            }

            // Whole buckets: 'to' rounded up, 'from' down; without 'from', the last 60 minutes, 24 hours or 30 days.
            long end = Ceiling((toTime ?? time.GetUtcNow()).ToUnixTimeSeconds(), seconds);
            long start = fromTime is { } f ? Floor(f.ToUnixTimeSeconds(), seconds) : end - (seconds switch { 60 => 60, 3600 => 24, _ => 30 } * (long)seconds);
            if (end <= start)
            {
                return BadRequest("'from' must be before 'to'.");
            }

            if ((end - start) / seconds > MaxBuckets)
            {
                return BadRequest($"A series spans at most {MaxBuckets} buckets; asked for {(end - start) / seconds}. Use a larger bucket or a shorter range.");
            }

            var points = history.QuerySpend(new SpendQuery(seconds, DateTimeOffset.FromUnixTimeSeconds(start), DateTimeOffset.FromUnixTimeSeconds(end), byModel, Empty(agent), Empty(model)));
            return Results.Json(new
            {
                by = byModel ? "model" : "agent",
                bucket = bucket ?? "minute",
                bucketSeconds = seconds,
                from = DateTimeOffset.FromUnixTimeSeconds(start),
                to = DateTimeOffset.FromUnixTimeSeconds(end),
                points = points.Select(p => new { bucket = p.Bucket, key = p.Key, p.Requests, p.InputTokens, p.OutputTokens, p.Cost }),
            });
        });
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static long Floor(long value, long size) => value - (((value % size) + size) % size);

    private static long Ceiling(long value, long size) => Floor(value + size - 1, size);

    private static bool TryTime(string? text, string name, out DateTimeOffset? time, out IResult error)
    {
        time = null;
        error = null!;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            && parsed.Year is >= 1970 and <= 9999)
        {
            time = parsed;
            return true;
        }

        error = BadRequest($"'{name}' must be an ISO 8601 time, such as 2026-11-26T12:00:00Z.");
        return false;
    }

    private static IResult BadRequest(string message) => Results.Json(new { error = message }, statusCode: StatusCodes.Status400BadRequest);

    private static IResult NoHistory() => Results.Json(
        new { error = "History needs the SQLite state store: set RuntimeConfig.State.DatabasePath (or call UseSqliteState)." },
        statusCode: StatusCodes.Status404NotFound);
}
