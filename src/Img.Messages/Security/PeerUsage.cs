namespace Img.Messages.Security;

/// <summary>What a peer's certificate must be good for (its extended key usages).</summary>
[Flags]
public enum PeerUsage
{
    /// <summary>The peer accepted our connection: TLS server authentication.</summary>
    Server = 1,
    /// <summary>The peer connected to us: TLS client authentication.</summary>
    Client = 2,
    /// <summary>An Akka member, which dials and is dialled over the same association: both.</summary>
    Member = Server | Client,
}
