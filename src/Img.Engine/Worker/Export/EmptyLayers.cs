namespace Img.Engine.Worker.Export;

/// <summary>The digests that mean "this layer changes nothing" (an empty tar: 1024 zero bytes).</summary>
public static class EmptyLayers
{
    /// <summary>sha256 of the empty tar: the diffID of a step that changed no file.</summary>
    public const string EmptyTarDiffId = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

    /// <summary>The empty tar as Go's gzip writes it: BuildKit drops layers with this digest from images.</summary>
    public const string EmptyGzipLayer = "sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1";
}
