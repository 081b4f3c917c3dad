namespace Img.Engine.Graph;

/// <summary>Security of a RUN (<c>--security</c>).</summary>
public enum SecurityMode { Sandbox, Insecure }
