using System.Formats.Tar;

namespace Img.Engine.Tests.Worker;

/// <summary>One tar entry of an exported layer, as the tests compare them.</summary>
internal sealed record LayerEntry(string Name, TarEntryType Type, int Mode, int Uid, int Gid, string? Text);
