namespace Img.Engine.Frontend.Dockerfile.Instructions;

/// <summary>An ENV or LABEL pair. <see cref="NoDelim"/> marks the legacy <c>ENV key value</c> form.</summary>
public sealed record KeyValue(string Key, string Value, bool NoDelim = false)
{
    public override string ToString() => Key + "=" + Value;
}
