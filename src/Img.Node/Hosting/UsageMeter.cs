using Img.Engine.State;

namespace Img.Node.Hosting;

/// <summary>Measures, now and then in the background, how many bytes a node keeps in blobs and snapshots (<c>img cluster status</c>).</summary>
internal sealed class UsageMeter(StateDirectory state)
{
    public Action<(long Blobs, long Snapshots)>? Report { get; set; }

    public async Task RunAsync(TimeSpan interval, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var usage = await Task.Run(() => (Size(state.ContentRoot), Size(state.SnapshotsRoot)), stop).ConfigureAwait(false);
            Report?.Invoke(usage);
            try
            {
                await Task.Delay(interval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static long Size(string directory)
    {
        long total = 0;
        try
        {
            foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint }))
                total += file.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a snapshot removed while walking
        }
        return total;
    }
}
