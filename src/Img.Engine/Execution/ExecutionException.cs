namespace Img.Engine.Execution;

/// <summary>A container could not be set up or started (bad user, runtime failure, ...); not a non-zero exit.</summary>
public sealed class ExecutionException(string message, Exception? inner = null) : Exception(message, inner);
