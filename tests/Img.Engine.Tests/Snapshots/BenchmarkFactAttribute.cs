using Xunit;

namespace Img.Engine.Tests.Snapshots;

/// <summary>A measurement, not a test: reported as skipped unless IMG_BENCH=1 (never timed assertions).</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("IMG_BENCH") != "1")
        {
            Skip = "benchmark: run with IMG_BENCH=1";
        }
    }
}
