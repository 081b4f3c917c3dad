namespace Img.Cli.Commands.Images.Formatting;

/// <summary>A template that fails while it runs over a value; the message is text/template's.</summary>
public sealed class GoTemplateException(string message) : FormatException(message);
