namespace Img.Engine.Content;

/// <summary>A digest string that is malformed or uses an unsupported algorithm.</summary>
public sealed class InvalidDigestException : FormatException
{
    public InvalidDigestException(string text, string reason)
        : base($"invalid digest \"{text}\": {reason}")
    {
        Text = text;
        Reason = reason;
    }

    /// <summary>The text that failed to parse.</summary>
    public string Text { get; }

    /// <summary>Why it failed (without the text).</summary>
    public string Reason { get; }
}
