namespace Img.Cli.CommandLine;

/// <summary>One flag a command accepts: long name, optional one-letter short name, and whether it takes a value.</summary>
public sealed record FlagSpec(string Name, char? Short, bool TakesValue, string Help, bool Repeatable = false, string? ValueName = null);
