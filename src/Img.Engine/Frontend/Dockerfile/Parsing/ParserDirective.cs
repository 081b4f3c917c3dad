namespace Img.Engine.Frontend.Dockerfile.Parsing;

/// <summary>A <c># name=value</c> parser directive from the top of a Dockerfile.</summary>
/// <param name="Name">Lower-case: <c>syntax</c>, <c>escape</c> or <c>check</c>.</param>
/// <param name="Value">The value with surrounding whitespace removed.</param>
/// <param name="Line">1-based line of the directive.</param>
public sealed record ParserDirective(string Name, string Value, int Line);
