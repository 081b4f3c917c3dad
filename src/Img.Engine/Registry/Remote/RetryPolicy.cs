using System.Net;

namespace Img.Engine.Registry.Remote;

/// <summary>
/// When a registry request is worth sending again and how long to wait first: network errors and
/// 5xx/429/408 are transient; waits double from <see cref="RegistryClientOptions.RetryBaseDelay"/>
/// with ±20% jitter, capped at <see cref="RegistryClientOptions.RetryMaxDelay"/>, and a
/// <c>Retry-After</c> within the cap is honoured.
/// </summary>
internal sealed class RetryPolicy(RegistryClientOptions options)
{
    public int MaxAttempts => Math.Max(1, options.MaxAttempts);

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.GatewayTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    public TimeSpan Backoff(int attempt)
    {
        var ms = options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        ms *= 0.8 + Random.Shared.NextDouble() * 0.4;
        return TimeSpan.FromMilliseconds(Math.Min(ms, options.RetryMaxDelay.TotalMilliseconds));
    }

    public TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var delta = response.Headers.RetryAfter?.Delta;
        return delta is { } d && d <= options.RetryMaxDelay ? d : null;
    }

    public Task DelayAsync(TimeSpan delay, CancellationToken ct) => Task.Delay(delay, options.TimeProvider, ct);
}
