using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using IronRuntime.Router.Internal;
using IronRuntime.Router.Translation;

namespace IronRuntime.Router.Upstream;

internal sealed partial class UpstreamStage
{
    /// <summary>The request in the target's API: Chat Completions as Messages, or Messages as Chat Completions.</summary>
    private byte[] TranslateRequest(LlmCall call, LlmUpstreamTarget target) => target.Api == LlmApi.Messages
        ? ChatToMessagesRequest.Translate(call.Body.Span, target.Model!, policy.DefaultMaxOutputTokens(target.Model!))
        : MessagesToChatRequest.Translate(call.Body.Span, target.Model!);

    /// <summary>The target's answer in the client's API: the JSON body, the event stream, or the error's shape.</summary>
    private async ValueTask<HttpResponseMessage> TranslateAsync(HttpResponseMessage response, LlmCall call, LlmUpstreamTarget target, CancellationToken cancellationToken)
    {
        bool toChat = target.ClientApi == LlmApi.ChatCompletions;
        var original = response.Content;
        HttpContent translated;
        if (!response.IsSuccessStatusCode)
        {
            byte[] error = await HttpContents.ReadLimitedAsync(original, maxResponseBodyBytes, cancellationToken).ConfigureAwait(false);
            translated = Json(ErrorShapes.Translate(error, toAnthropic: !toChat));
        }
        else if (call.IsStreaming)
        {
            var upstream = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            ISseTranslator translator = toChat
                ? new MessagesToChatStream(time.GetUtcNow().ToUnixTimeSeconds(), call.InjectedStreamUsage || call.Request?.IncludeUsage == true)
                : new ChatToMessagesStream();
            translated = new StreamContent(new TranslatingSseStream(upstream, translator));
            HttpContents.CopyHeaders(original, translated);
            response.Content = translated;
            return response;
        }
        else
        {
            byte[] body = await original.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                translated = Json(toChat
                    ? MessagesToChatResponse.Translate(body, time.GetUtcNow().ToUnixTimeSeconds())
                    : ChatToMessagesResponse.Translate(body));
            }
            catch (JsonException ex)
            {
                response.Dispose();
                return Failed(response.RequestMessage!, call, HttpStatusCode.BadGateway, "iron_runtime_upstream_error", "bad_upstream_response",
                    $"The answer of {target.Endpoint.Provider} (endpoint '{target.Endpoint.Name}') could not be translated: {ex.Message}");
            }
        }

        original.Dispose();
        response.Content = translated;
        return response;
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
