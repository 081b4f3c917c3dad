using Xunit;

namespace Img.Engine.Tests.Fixtures;

/// <summary>Tests that talk to the real registries of <see cref="RegistryFixture"/> join this collection.</summary>
[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "registries";
}
