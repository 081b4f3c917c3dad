namespace Img.Node.Workers;

/// <summary>Inputs of a job whose results no holder could provide (positions in the job's inputs).</summary>
public sealed class InputsLostException(IReadOnlyList<int> inputs, string message, Exception? inner = null) : Exception(message, inner)
{
    public IReadOnlyList<int> Inputs { get; } = inputs;
}
