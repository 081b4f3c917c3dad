namespace Img.Messages.Security;

/// <summary>
/// A refusal by cluster security: an unreadable or malformed token, a credentials file other
/// users can read, a certificate request or certificate that does not belong to the cluster.
/// The message is written for the user (the CLI prints it as is) and never contains a secret.
/// </summary>
public sealed class ClusterSecurityException(string message, Exception? inner = null) : Exception(message, inner);
