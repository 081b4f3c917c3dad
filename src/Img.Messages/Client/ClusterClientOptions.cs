namespace Img.Messages.Client;

/// <summary>How a <see cref="ClusterConnection"/> connects.</summary>
public sealed record ClusterClientOptions
{
    /// <summary>The cluster secret from the token ("" on an insecure cluster).</summary>
    public string Secret { get; init; } = "";

    /// <summary>Wraps the TCP stream in TLS and checks the coordinator (null: plain TCP, an insecure loopback cluster).</summary>
    public Func<Stream, string, CancellationToken, Task<Stream>>? Secure { get; init; }

    /// <summary>Who is connecting, for the coordinator's log.</summary>
    public string ClientName { get; init; } = "img";

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
