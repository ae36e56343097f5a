using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace IronRuntime.Load;

/// <summary>How one attempted stream ended.</summary>
internal enum ProbeOutcome
{
    /// <summary>200 and every event up to <c>[DONE]</c>, or still open when the run ended.</summary>
    Served,

    /// <summary>A provider-shaped JSON error with status 503 (or 429) and <c>Retry-After</c>: refused cleanly.</summary>
    Refused,

    /// <summary>Another status, or an error without the provider shape.</summary>
    OtherStatus,

    /// <summary>No response: the connection was refused or reset.</summary>
    ConnectionFailed,

    /// <summary>200, then the stream broke off before its end.</summary>
    Broken,
}

/// <summary>
/// One streaming chat call: reads the paced fake's events (<c>@&lt;ticks&gt;|</c> in each delta) and records, while
/// <see cref="DelayRecorder.Measuring"/>, how long after its send time each event arrived.
/// </summary>
internal static class StreamProbe
{
    public static HttpRequestMessage CreateRequest(Uri chatCompletions, string token, int events, bool stream)
    {
        string body = $$"""{"model":"gpt-4o-mini","stream":{{(stream ? "true" : "false")}},"max_tokens":{{events}},"messages":[{"role":"user","content":"load test"}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, chatCompletions)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    public static async Task<ProbeOutcome> RunAsync(HttpClient client, Uri chatCompletions, string token, int events, DelayRecorder recorder, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            using var request = CreateRequest(chatCompletions, token, events, stream: true);
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeOutcome.ConnectionFailed;
        }
        catch (Exception)
        {
            return ProbeOutcome.Served;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return await ClassifyErrorAsync(response, cancellationToken);
            }

            recorder.StreamOpened();
            try
            {
                using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                byte[] buffer = new byte[2048];
                long value = 0;
                bool inNumber = false;
                int done = 0;
                while (true)
                {
                    int read = await body.ReadAsync(buffer, cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    long now = Stopwatch.GetTimestamp();
                    for (int i = 0; i < read; i++)
                    {
                        byte b = buffer[i];
                        if (inNumber)
                        {
                            if (b is >= (byte)'0' and <= (byte)'9')
                            {
                                value = (value * 10) + (b - '0');
                            }
                            else
                            {
                                inNumber = false;
                                recorder.Record(now - value);
                            }
                        }
                        else if (b == '@')
                        {
                            inNumber = true;
                            value = 0;
                        }
                        else if (b == '[')
                        {
                            done++;
                        }
                    }
                }

                return done > 0 ? ProbeOutcome.Served : ProbeOutcome.Broken;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return ProbeOutcome.Served; // still open when the run ended
            }
            catch (Exception)
            {
                return ProbeOutcome.Broken;
            }
            finally
            {
                recorder.StreamClosed();
            }
        }
    }

    private static async Task<ProbeOutcome> ClassifyErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception)
        {
            return ProbeOutcome.OtherStatus;
        }

        int status = (int)response.StatusCode;
        bool shaped = text.Contains("\"error\"", StringComparison.Ordinal) && text.Contains("\"type\"", StringComparison.Ordinal);
        return status is 503 or 429 && shaped && response.Headers.RetryAfter is not null ? ProbeOutcome.Refused : ProbeOutcome.OtherStatus;
    }
}
