namespace Img.E2E.Tests.Infrastructure;

/// <summary>One request that went through a <see cref="RegistryProxy"/>; status 0: closed without an answer.</summary>
public sealed record ProxiedRequest(string Method, string Path, int Status, long ResponseBytes);
