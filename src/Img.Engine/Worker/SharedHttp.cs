namespace Img.Engine.Worker;

/// <summary>One HttpClient for ADD &lt;url&gt; downloads: connection pooling across a build's sources.</summary>
internal static class SharedHttp
{
    public static readonly HttpClient Client = new() { Timeout = TimeSpan.FromMinutes(10) };
}
