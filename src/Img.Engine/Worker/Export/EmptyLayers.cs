namespace Img.Engine.Worker.Export;

/// <summary>The digest that means "this layer changes nothing" (an empty tar: 1024 zero bytes).
/// Such a layer stays in the image, as in BuildKit >= 0.10 (a WORKDIR that exists, a RUN that
/// writes nothing).</summary>
public static class EmptyLayers
{
    /// <summary>sha256 of the empty tar: the diffID of a step that changed no file.</summary>
    public const string EmptyTarDiffId = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";
}
