namespace Img.Engine.Tests.Fixtures;

/// <summary>One request the <see cref="TokenService"/> saw: who (null = anonymous) and which scopes.</summary>
public sealed record TokenRequest(string Method, string? User, IReadOnlyList<string> Scopes, bool Rejected);
