using System.Reflection;
using System.Runtime.CompilerServices;
using Img.Messages;
using Img.Messages.Serialization;
using MessagePack;
using MessagePack.Resolvers;

namespace Img.Actors.Tests.Serialization;

/// <summary>
/// Runs inside a child process started with dynamic code switched off (see
/// <see cref="DynamicCodeOffSpecs"/>); the switch is read once per process, so this cannot run in
/// the test process. Reports on stdout, one fact per line, for the parent to check:
/// <c>dynamic-code False</c>, <c>emit-refused &lt;exception&gt;</c> (MessagePack's own object
/// resolver fails here, so the switch is really on), and for every union member
/// <c>bytes &lt;type&gt; &lt;written&gt; &lt;rewritten after a round trip&gt;</c> in hex.
/// </summary>
public static class DynamicCodeOffProbe
{
    /// <summary>Set to 1 in the child's environment; <c>StartupHook</c> runs the probe only then.</summary>
    public const string Variable = "IMG_TEST_DYNAMIC_CODE_OFF_PROBE";

    public static int Run(TextWriter output)
    {
        var problems = 0;
        output.WriteLine($"dynamic-code {RuntimeFeature.IsDynamicCodeSupported}");
        try
        {
            DynamicObjectResolver.Instance.GetFormatter<ProbeRecord>();
            output.WriteLine("emit-allowed");
        }
        catch (Exception e)
        {
            output.WriteLine($"emit-refused {e.GetBaseException().GetType().Name}");
        }

        var getFormatter = typeof(ImgResolver).GetMethod(nameof(ImgResolver.GetFormatter))!;
        foreach (var type in KeyedTypeWalker.ReachableFrom([typeof(IImgMessage), .. MessageSamples.UnionMembers()]))
        {
            try
            {
                if (getFormatter.MakeGenericMethod(type).Invoke(ImgResolver.Instance, null) is null)
                    throw new InvalidOperationException("no formatter");
            }
            catch (Exception e)
            {
                problems++;
                output.WriteLine($"problem {type}: {e.GetBaseException().Message}");
            }
        }

        foreach (var type in MessageSamples.UnionMembers())
        {
            try
            {
                var bytes = MessagePackSerializer.Serialize((IImgMessage)MessageSamples.Create(type), ImgResolver.Options);
                var back = MessagePackSerializer.Deserialize<IImgMessage>(bytes, ImgResolver.Options);
                var again = MessagePackSerializer.Serialize(back, ImgResolver.Options);
                output.WriteLine($"bytes {type.FullName} {Convert.ToHexString(bytes)} {Convert.ToHexString(again)}");
            }
            catch (Exception e)
            {
                problems++;
                output.WriteLine($"problem {type.FullName}: {e.GetBaseException().GetType().Name}: {e.GetBaseException().Message}");
            }
        }
        output.Flush();
        return problems == 0 ? 0 : 1;
    }

    /// <summary>Never serialised by img: only there for MessagePack's object resolver to try (and fail) to emit a formatter for.</summary>
    [MessagePackObject]
    public sealed record ProbeRecord([property: Key(0)] string Name);
}
