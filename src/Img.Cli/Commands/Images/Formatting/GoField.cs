namespace Img.Cli.Commands.Images.Formatting;

/// <summary>
/// One field of a <see cref="GoStruct"/>: the Go name templates use, the JSON name (the struct
/// tag; usually the same), and whether the tag says <c>omitempty</c>.
/// </summary>
public sealed record GoField(string Name, GoValue Value, bool OmitEmpty = false, string? JsonName = null)
{
    public string Json => JsonName ?? Name;
}
