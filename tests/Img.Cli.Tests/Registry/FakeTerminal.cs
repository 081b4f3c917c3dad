using Img.Cli.Hosting;

namespace Img.Cli.Tests.Registry;

/// <summary>A terminal that answers prompts from a queue and records what was asked, and whether without echo.</summary>
public sealed class FakeTerminal(params string?[] answers) : ITerminal
{
    private readonly Queue<string?> _answers = new(answers);

    public List<(string Prompt, bool Secret)> Prompts { get; } = [];

    public string? ReadLine(string prompt) => Answer(prompt, secret: false);

    public string? ReadSecret(string prompt) => Answer(prompt, secret: true);

    private string? Answer(string prompt, bool secret)
    {
        Prompts.Add((prompt, secret));
        return _answers.Count > 0 ? _answers.Dequeue() : null;
    }
}
