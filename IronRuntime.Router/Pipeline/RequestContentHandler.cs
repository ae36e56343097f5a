using System.Net;
using IronRuntime.Router.Content;
using IronRuntime.Router.Errors;
using IronRuntime.Router.Internal;
using IronRuntime.Router.Requests;

namespace IronRuntime.Router.Pipeline;

/// <summary>
/// Step 4 of the chain (<see cref="LlmRouter"/>), only when an <see cref="ILlmContentFilter"/> is registered: scans the
/// prompt text of the request body, refuses the call (422) when the filter blocks or, failing closed, when the text
/// cannot be parsed, or continues with the redacted body.
/// </summary>
internal sealed class RequestContentHandler(ILlmContentFilter filter, CallStageServices services) : CallStage(services)
{
    /// <remarks>Not an async method: the scan is synchronous, and a call it lets through goes on without a state machine of this stage.</remarks>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, LlmCall call, CancellationToken cancellationToken)
    {
        if (call.Request is null || !filter.IsEnabled(call, LlmContentDirection.Request))
        {
            return Next(request, cancellationToken);
        }

        return Scan(request, call) is { } refused ? Task.FromResult(refused) : Next(request, cancellationToken);
    }

    /// <summary>Scans (and maybe redacts) the prompt; the refusal to answer, or null to go on.</summary>
    private HttpResponseMessage? Scan(HttpRequestMessage request, LlmCall call)
    {

        var rewriter = new JsonContentRewriter();
        switch (rewriter.Rewrite(call.Body.Span, JsonTextScope.Request, filter, call, LlmContentDirection.Request, repeats: false))
        {
            case ContentRewrite.Blocked:
                return Refuse(request, call, ContentErrors.BlockedMessage(LlmContentDirection.Request, rewriter.BlockedEntityTypes), ContentErrors.BlockedCode);
            case ContentRewrite.Unparsed when filter.FailClosed(call, LlmContentDirection.Request):
                return Refuse(request, call, "IronRuntime could not parse the request's text, so it refused to send it unscanned.", ContentErrors.UnparsedCode);
            case ContentRewrite.Rewritten:
                byte[] body = rewriter.Output.WrittenSpan.ToArray();
                if (!LlmRequestReader.TryRead(body, call.Api, out var info, out string? error))
                {
                    return Refuse(request, call, "IronRuntime could not redact the request: " + error, ContentErrors.UnparsedCode);
                }

                long grown = Math.Max(0, body.Length - call.Body.Length);
                call.Request = info;
                call.Body = body;
                call.RequestBodyBytes = body.Length;
                call.InputTokenBound += grown;
                break;
        }

        return null;
    }

    private HttpResponseMessage Refuse(HttpRequestMessage request, LlmCall call, string message, string code)
    {
        RouterLog.CallDenied(Logger, call.CallerId, call.Model, (int)HttpStatusCode.UnprocessableEntity, ContentErrors.BlockedType, message);
        End(call, (int)HttpStatusCode.UnprocessableEntity, LlmCallOutcome.Denied);
        return ProviderErrors.Create(call.AnthropicErrorShape, HttpStatusCode.UnprocessableEntity, ContentErrors.BlockedType, code, message, request);
    }
}
