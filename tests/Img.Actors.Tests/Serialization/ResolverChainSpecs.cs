using System.Reflection;
using Img.Engine.Graph;
using Img.Engine.Solver;
using Img.Messages;
using Img.Messages.Builds;
using Img.Messages.Serialization;
using MessagePack;
using MessagePack.Formatters;

namespace Img.Actors.Tests.Serialization;

/// <summary>
/// <see cref="ImgResolver"/> must have a formatter that generates no code for every type a message
/// can carry: the published binaries run with dynamic code off, where MessagePack's emitting
/// resolvers throw. A message with a member type the chain does not cover fails here rather than
/// in a cluster.
/// </summary>
public class ResolverChainSpecs
{
    private static readonly MethodInfo GetFormatterMethod = typeof(ImgResolver).GetMethod(nameof(ImgResolver.GetFormatter))!;

    /// <summary>Formatters in MessagePack's own assembly that are code generators or wrap one.</summary>
    private static readonly string[] GeneratingFormatters = ["DynamicObjectTypeFallbackFormatter", "TypelessFormatter", "ForceTypelessFormatter", "StaticNullableFormatter`1"];

    [Fact]
    public void EveryTypeReachableFromTheUnionHasAFormatterThatGeneratesNoCode()
    {
        var problems = new List<string>();
        foreach (var type in KeyedTypeWalker.ReachableFrom([typeof(IImgMessage), .. MessageSamples.UnionMembers()]).OrderBy(t => t.FullName))
        {
            object? formatter;
            try
            {
                formatter = GetFormatterMethod.MakeGenericMethod(type).Invoke(ImgResolver.Instance, null);
            }
            catch (TargetInvocationException e)
            {
                problems.Add($"{type}: {e.InnerException?.GetBaseException().Message}");
                continue;
            }
            if (formatter is null)
                problems.Add($"{type}: no formatter (teach GenericShapeResolver or EngineFormatters this type)");
            else if (Generated(formatter.GetType()))
                problems.Add($"{type}: {formatter.GetType()} from {formatter.GetType().Assembly.GetName().Name} generates code");
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void TheWalkReachesNestedMemberTypes()
    {
        var reached = KeyedTypeWalker.ReachableFrom(MessageSamples.UnionMembers());
        Assert.Contains(typeof(BuildId), reached);
        Assert.Contains(typeof(VertexLogStream), reached);
        Assert.Contains(typeof(OpDigest?), reached);
        Assert.Contains(typeof(IReadOnlyList<CacheResult>), reached);
        Assert.Contains(typeof(CacheResult), reached);
    }

    [Fact]
    public void MessagePacksDynamicFormattersAreRecognised()
    {
        var generated = MessagePack.Resolvers.DynamicObjectResolver.Instance.GetFormatter<BuildId>()!;
        Assert.True(Generated(generated.GetType()));
        Assert.False(Generated(ImgResolver.Instance.GetFormatter<BuildId>()!.GetType()));
    }

    [Fact]
    public void ATypeOutsideTheChainHasNoFormatterInsteadOfAnEmittedOne()
    {
        Assert.Null(ImgResolver.Instance.GetFormatter<Unkeyed>());
        Assert.Null(ImgResolver.Instance.GetFormatter<HashSet<string>>());
        Assert.Null(ImgResolver.Instance.GetFormatter<object>());
    }

    private static bool Generated(Type formatter) =>
        formatter.Assembly.IsDynamic
        || (formatter.Assembly == typeof(IMessagePackFormatter).Assembly
            && (formatter.Namespace != "MessagePack.Formatters" || GeneratingFormatters.Contains(formatter.Name)));

    public sealed record Unkeyed(string Name);
}
