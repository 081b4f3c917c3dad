using Img.Actors.Tests.Serialization;

/// <summary>
/// The way into a child process with dynamic code off: the test assembly's entry point is the
/// test SDK's empty one, so <see cref="DynamicCodeOffSpecs"/> starts it with this assembly as a
/// .NET startup hook (<c>DOTNET_STARTUP_HOOKS</c>), which runs before <c>Main</c>. The runtime
/// finds a hook by this exact name outside any namespace. Does nothing unless the probe variable is
/// set, and then ends the process with the probe's result.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(DynamicCodeOffProbe.Variable) == "1")
            Environment.Exit(DynamicCodeOffProbe.Run(Console.Out));
    }
}
