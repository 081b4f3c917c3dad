namespace Img.Messages.Client;

/// <summary>A coordinator answered and refused the client (wrong token, unsupported version): trying another one would not help.</summary>
public sealed class ClusterRefusedException(string message) : ClusterConnectionException(message);
