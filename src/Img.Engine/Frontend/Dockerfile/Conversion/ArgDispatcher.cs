using Img.Engine.Frontend.Dockerfile.Instructions;

namespace Img.Engine.Frontend.Dockerfile.Conversion;

/// <summary>
/// ARG inside a stage: a <c>--build-arg</c> wins, then the default (expanded), then the global
/// value of the same name; the value joins the stage's env (for RUN) but not the image's.
/// </summary>
internal static class ArgDispatcher
{
    public static void Dispatch(ConversionContext ctx, DispatchState d, ArgInstruction c)
    {
        var parts = new List<string>();
        foreach (var definition in c.Args)
        {
            var arg = definition;
            var hasValue = ctx.Options.BuildArgs.TryGetValue(arg.Key, out var given);
            var hasDefault = arg.Value is not null;
            if (!hasDefault && !hasValue && ctx.GlobalArgs.TryGet(arg.Key, out var global))
                arg = arg with { Value = global };
            if (hasValue)
                arg = arg with { Value = given };
            else if (hasDefault)
                arg = arg with { Value = ctx.ProcessWord(arg.Value!, d.Env) };
            if (arg.Value is not null)
                d.Env = d.Env.With(arg.Key, arg.Value);
            d.BuildArgs.Add(arg);
            parts.Add(arg.Value is null ? arg.Key : arg.Key + "=" + arg.Value);
        }
        d.Image.AddHistory("ARG " + string.Join(' ', parts), false, false);
    }
}
