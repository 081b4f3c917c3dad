namespace Img.Messages.Client;

/// <summary>No coordinator of the cluster could be reached.</summary>
public class ClusterConnectionException(string message, Exception? inner = null) : Exception(message, inner);
