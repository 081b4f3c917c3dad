namespace Img.Coordinator.Cache;

/// <summary>How vertex entities name their journals: <c>vertex-</c> + cache key.</summary>
public static class VertexPersistence
{
    public const string IdPrefix = "vertex-";
}
