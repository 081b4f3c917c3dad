namespace Img.Engine.Graph;

/// <summary>Network of a RUN (<c>--network</c>).</summary>
public enum NetworkMode { Default, None, Host }
